// OPC UA server of opcua-1 for the zonewatch plant capture (node-opcua 2.182.2).
//
// usage: node opcua_server.js ADDRESS PKI_DIR
// Listens on ADDRESS:4840 (endpoints None, Sign, SignAndEncrypt; anonymous allowed).
// Objects/Kiln1: Temperature (Double, read only), Setpoint (Double, read/write),
// ResetCounter (method: UInt32 reason -> UInt32 previous count).
"use strict";
const path = require("path");
const {
    OPCUAServer, OPCUACertificateManager, RegisterServerMethod,
    Variant, DataType, StatusCodes, AccessLevelFlag
} = require("node-opcua");

const [address, pki] = process.argv.slice(2);

(async () => {
    const serverCertificateManager = new OPCUACertificateManager({
        rootFolder: path.join(pki, "server"),
        automaticallyAcceptUnknownCertificate: true
    });
    const userCertificateManager = new OPCUACertificateManager({
        rootFolder: path.join(pki, "user"),
        automaticallyAcceptUnknownCertificate: true
    });
    const server = new OPCUAServer({
        host: address,
        hostname: address,
        port: 4840,
        resourcePath: "/",
        allowAnonymous: true,
        registerServerMethod: RegisterServerMethod.HIDDEN,
        serverCertificateManager,
        userCertificateManager,
        buildInfo: { productName: "zonewatch plant opcua-1", buildNumber: "1", softwareVersion: "2.182.2" },
        serverInfo: { applicationUri: "urn:zonewatch:plant:opcua-1", productUri: "urn:zonewatch:plant" }
    });
    await server.initialize();
    const addressSpace = server.engine.addressSpace;
    const ns = addressSpace.getOwnNamespace();
    const kiln = ns.addObject({ organizedBy: addressSpace.rootFolder.objects, browseName: "Kiln1", nodeId: "s=Kiln1" });
    let temperature = 348.5;
    let setpoint = 350.0;
    let counter = 42;
    ns.addVariable({
        componentOf: kiln, browseName: "Temperature", nodeId: "s=Kiln1.Temperature", dataType: "Double", minimumSamplingInterval: 100,
        value: { get: () => new Variant({ dataType: DataType.Double, value: temperature }) }
    });
    ns.addVariable({
        componentOf: kiln, browseName: "Setpoint", nodeId: "s=Kiln1.Setpoint", dataType: "Double", minimumSamplingInterval: 100,
        accessLevel: AccessLevelFlag.CurrentRead | AccessLevelFlag.CurrentWrite,
        userAccessLevel: AccessLevelFlag.CurrentRead | AccessLevelFlag.CurrentWrite,
        value: {
            get: () => new Variant({ dataType: DataType.Double, value: setpoint }),
            set: (v) => { setpoint = v.value; console.log("Setpoint written:", setpoint); return StatusCodes.Good; }
        }
    });
    const method = ns.addMethod(kiln, {
        browseName: "ResetCounter", nodeId: "s=Kiln1.ResetCounter",
        inputArguments: [{ name: "reason", dataType: DataType.UInt32 }],
        outputArguments: [{ name: "previous", dataType: DataType.UInt32 }]
    });
    method.bindMethod((inputArguments, context, callback) => {
        const previous = counter;
        counter = 0;
        console.log("ResetCounter called, reason", inputArguments[0].value, "previous", previous);
        callback(null, { statusCode: StatusCodes.Good, outputArguments: [{ dataType: DataType.UInt32, value: previous }] });
    });
    await server.start();
    console.log("opcua-1 listening on", server.getEndpointUrl());
    const stop = async () => { await server.shutdown(0); process.exit(0); };
    process.on("SIGTERM", stop);
    process.on("SIGINT", stop);
})().catch((err) => { console.error(err); process.exit(1); });
