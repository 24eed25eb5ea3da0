// OPC UA clients for the zonewatch plant capture (node-opcua 2.182.2).
//
// usage: node opcua_client.js hmi|eng ENDPOINT_URL PKI_DIR
//   hmi: security None, anonymous; browse Objects and Objects/Kiln1, read
//        Temperature, Setpoint and Server_ServerStatus_State (one Read request)
//   eng: security None, anonymous; read Setpoint, write Setpoint = 375.5,
//        call Kiln1.ResetCounter(7)
// Every service request sent by this script is logged on stdout.
"use strict";
const path = require("path");
const {
    OPCUAClient, OPCUACertificateManager, MessageSecurityMode, SecurityPolicy,
    AttributeIds, DataType, resolveNodeId
} = require("node-opcua");

const [mode, url, pki] = process.argv.slice(2);
const NS = "ns=1;s=";

(async () => {
    const client = OPCUAClient.create({
        applicationName: mode === "hmi" ? "hmi-1" : "eng-ws",
        applicationUri: "urn:zonewatch:plant:" + (mode === "hmi" ? "hmi-1" : "eng-ws"),
        securityMode: MessageSecurityMode.None,
        securityPolicy: SecurityPolicy.None,
        endpointMustExist: false,
        connectionStrategy: { maxRetry: 3, initialDelay: 500, maxDelay: 1000 },
        clientCertificateManager: new OPCUACertificateManager({
            rootFolder: path.join(pki, mode), automaticallyAcceptUnknownCertificate: true
        })
    });
    await client.connect(url);
    console.log("connected (SecureChannel None)");
    const session = await client.createSession(); // anonymous
    console.log("session created (anonymous)");
    if (mode === "hmi") {
        const objs = await session.browse("ObjectsFolder");
        console.log("Browse Objects:", objs.references.map((r) => r.browseName.toString()).join(", "));
        const kiln = await session.browse(NS + "Kiln1");
        console.log("Browse Kiln1:", kiln.references.map((r) => r.browseName.toString()).join(", "));
        const values = await session.read([
            { nodeId: NS + "Kiln1.Temperature", attributeId: AttributeIds.Value },
            { nodeId: NS + "Kiln1.Setpoint", attributeId: AttributeIds.Value },
            { nodeId: "i=2259", attributeId: AttributeIds.Value }
        ]);
        console.log("Read Temperature, Setpoint, ServerState:", values.map((v) => v.value.value).join(", "));
    } else {
        const before = await session.read({ nodeId: NS + "Kiln1.Setpoint", attributeId: AttributeIds.Value });
        console.log("Read Setpoint:", before.value.value);
        const st = await session.write({
            nodeId: NS + "Kiln1.Setpoint", attributeId: AttributeIds.Value,
            value: { value: { dataType: DataType.Double, value: 375.5 } }
        });
        console.log("Write Setpoint = 375.5:", st.toString());
        const res = await session.call({
            objectId: resolveNodeId(NS + "Kiln1"), methodId: resolveNodeId(NS + "Kiln1.ResetCounter"),
            inputArguments: [{ dataType: DataType.UInt32, value: 7 }]
        });
        console.log("Call ResetCounter(7):", res.statusCode.toString(), "previous =", res.outputArguments[0].value);
    }
    await session.close();
    await client.disconnect();
    console.log("disconnected");
})().catch((err) => { console.error(err); process.exit(1); });
