// gen.js - a node-opcua 2.182.2 server and client on 127.0.0.1 that produce
// the captures pcaps/opcua/opcua-node-opcua-*.pcap (record.sh runs tcpdump
// around it). Not needed by make check.
//
//   node gen.js none     security mode None, policy None, anonymous user
//   node gen.js secure   Basic256Sha256 SignAndEncrypt, user name "operator"
//
// The server has one writable Double variable (ns=1;s=Setpoint) and one
// method (ns=1;s=AddMethod on ns=1;s=Pump, two Double inputs, one output).
// The client browses the Objects folder, reads, writes, calls, reads again
// and closes; every service it calls is printed as one "op" line, so the
// capture can be checked against what was done. Certificates are self-signed,
// created at run time in a temporary PKI folder (nothing is committed).
"use strict";
const os = require("os");
const path = require("path");
const fs = require("fs");
const {
    OPCUAServer, OPCUAClient, OPCUACertificateManager, MessageSecurityMode, SecurityPolicy,
    DataType, Variant, StatusCodes, AttributeIds, UserTokenType, nodesets,
} = require("node-opcua");

const PORT = 48484;
const mode = process.argv[2] === "secure" ? "secure" : "none";
const pki = fs.mkdtempSync(path.join(os.tmpdir(), "zw-opcua-pki-"));
const log = (...a) => console.log(...a);

async function startServer() {
    const certificateManager = new OPCUACertificateManager({
        rootFolder: path.join(pki, "server"), automaticallyAcceptUnknownCertificate: true,
    });
    await certificateManager.initialize();
    const server = new OPCUAServer({
        port: PORT, hostname: "127.0.0.1", alternateHostname: ["127.0.0.1"],
        serverCertificateManager: certificateManager,
        securityModes: mode === "none" ? [MessageSecurityMode.None] : [MessageSecurityMode.SignAndEncrypt],
        securityPolicies: mode === "none" ? [SecurityPolicy.None] : [SecurityPolicy.Basic256Sha256],
        allowAnonymous: mode === "none",
        userManager: { isValidUser: (u, p) => u === "operator" && p === "zonewatch-test" },
        nodeset_filename: [nodesets.standard],
        buildInfo: { productName: "zonewatch-test-server" },
    });
    await server.initialize();
    const ns = server.engine.addressSpace.getOwnNamespace();
    const objects = server.engine.addressSpace.rootFolder.objects;
    let setpoint = 20.0;
    ns.addVariable({
        organizedBy: objects, nodeId: "s=Setpoint", browseName: "Setpoint", dataType: "Double",
        minimumSamplingInterval: 100,
        value: {
            get: () => new Variant({ dataType: DataType.Double, value: setpoint }),
            set: (v) => { setpoint = v.value; return StatusCodes.Good; },
        },
    });
    const pump = ns.addObject({ organizedBy: objects, nodeId: "s=Pump", browseName: "Pump" });
    const method = ns.addMethod(pump, {
        nodeId: "s=AddMethod", browseName: "Add",
        inputArguments: [
            { name: "a", dataType: DataType.Double }, { name: "b", dataType: DataType.Double },
        ],
        outputArguments: [{ name: "sum", dataType: DataType.Double }],
    });
    method.bindMethod((args, ctx, cb) => {
        cb(null, {
            statusCode: StatusCodes.Good,
            outputArguments: [{ dataType: DataType.Double, value: args[0].value + args[1].value }],
        });
    });
    await server.start();
    return server;
}

async function runClient() {
    const certificateManager = new OPCUACertificateManager({
        rootFolder: path.join(pki, "client"), automaticallyAcceptUnknownCertificate: true,
    });
    await certificateManager.initialize();
    const client = OPCUAClient.create({
        applicationName: "zonewatch-test-client",
        applicationUri: "urn:zonewatch:test:client",
        clientCertificateManager: certificateManager,
        securityMode: mode === "none" ? MessageSecurityMode.None : MessageSecurityMode.SignAndEncrypt,
        securityPolicy: mode === "none" ? SecurityPolicy.None : SecurityPolicy.Basic256Sha256,
        endpointMustExist: false,
        connectionStrategy: { maxRetry: 2, initialDelay: 200 },
    });
    const url = `opc.tcp://127.0.0.1:${PORT}`;
    await client.connect(url);
    log("op connect", url, "(GetEndpoints on a first channel, then OPN)");
    const identity = mode === "none"
        ? { type: UserTokenType.Anonymous }
        : { type: UserTokenType.UserName, userName: "operator", password: "zonewatch-test" };
    const session = await client.createSession(identity);
    log("op create_session + activate_session identity", mode === "none" ? "anonymous" : "user_name");
    const br = await session.browse("ns=0;i=85");
    log("op browse ObjectsFolder references", br.references.length);
    let dv = await session.read({ nodeId: "ns=1;s=Setpoint", attributeId: AttributeIds.Value });
    log("op read Setpoint", dv.value.value);
    const wr = await session.write({
        nodeId: "ns=1;s=Setpoint", attributeId: AttributeIds.Value,
        value: { value: { dataType: DataType.Double, value: 42.5 } },
    });
    log("op write Setpoint 42.5", wr.toString());
    const cr = await session.call({
        objectId: "ns=1;s=Pump", methodId: "ns=1;s=AddMethod",
        inputArguments: [{ dataType: DataType.Double, value: 2 }, { dataType: DataType.Double, value: 3 }],
    });
    log("op call Add(2,3)", cr.statusCode.toString(), cr.outputArguments[0].value);
    dv = await session.read({ nodeId: "ns=1;s=Setpoint", attributeId: AttributeIds.Value });
    log("op read Setpoint", dv.value.value);
    await session.close();
    log("op close_session");
    await client.disconnect();
    log("op disconnect (CLO)");
}

(async () => {
    const server = await startServer();
    try {
        await runClient();
    } finally {
        await server.shutdown(0);
        fs.rmSync(pki, { recursive: true, force: true });
    }
})().catch((e) => { console.error(e); process.exit(1); });
