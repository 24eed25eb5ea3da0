#!/usr/bin/python3
"""Modbus/TCP client for the zonewatch plant capture (pymodbus 3.0, Debian).

usage: modbus_client.py poll  HOST PORT SECONDS INTERVAL   FC3 (hr 0..9) + FC1 (coils 0..7) each round
       modbus_client.py read  HOST PORT COUNT [INTERVAL]   FC3 (hr 0..9) COUNT times
       modbus_client.py write HOST PORT                    FC6 hr10=1234, FC16 hr20..23, FC5 coil 0 on
Everything on one TCP connection, unit id 1. Every request is logged on stdout
(the ground truth counts come from this log).
"""
import sys
import time

from pymodbus.client import ModbusTcpClient

mode, host, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
UNIT = 1
counts = {}


def log(fc, what, rr):
    counts[fc] = counts.get(fc, 0) + 1
    status = "ERROR " + str(rr) if rr.isError() else "ok"
    print(f"{host}:{port} FC{fc} {what}: {status}", flush=True)


c = ModbusTcpClient(host, port=port, timeout=3, retries=0)
if not c.connect():
    sys.exit(f"cannot connect to {host}:{port}")
if mode == "poll":
    seconds, interval = float(sys.argv[4]), float(sys.argv[5])
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        rr = c.read_holding_registers(0, 10, slave=UNIT)
        log(3, "read holding registers 0..9", rr)
        rr = c.read_coils(0, 8, slave=UNIT)
        log(1, "read coils 0..7", rr)
        time.sleep(interval)
elif mode == "read":
    n = int(sys.argv[4])
    interval = float(sys.argv[5]) if len(sys.argv) > 5 else 0.3
    for i in range(n):
        rr = c.read_holding_registers(0, 10, slave=UNIT)
        log(3, "read holding registers 0..9", rr)
        if i + 1 < n:
            time.sleep(interval)
elif mode == "write":
    rr = c.write_register(10, 1234, slave=UNIT)
    log(6, "write single register 10 = 1234", rr)
    time.sleep(0.3)
    rr = c.write_registers(20, [11, 22, 33, 44], slave=UNIT)
    log(16, "write multiple registers 20..23 = 11,22,33,44", rr)
    time.sleep(0.3)
    rr = c.write_coil(0, True, slave=UNIT)
    log(5, "write single coil 0 = ON", rr)
else:
    sys.exit("unknown mode " + mode)
c.close()
print(f"summary {host}:{port} " + " ".join(f"FC{k}x{v}" for k, v in sorted(counts.items())), flush=True)
