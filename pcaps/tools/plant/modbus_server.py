#!/usr/bin/python3
"""Modbus/TCP server for the zonewatch plant capture (pymodbus 3.0, Debian).

usage: modbus_server.py ADDRESS PORT
100 coils, discrete inputs, holding and input registers; holding register i
starts at 100 + i, coil i at i % 2. Any unit id is answered (single context).
"""
import logging
import sys

from pymodbus.datastore import (ModbusSequentialDataBlock, ModbusServerContext,
                                ModbusSlaveContext)
from pymodbus.device import ModbusDeviceIdentification
from pymodbus.server import StartTcpServer

addr, port = sys.argv[1], int(sys.argv[2])
logging.basicConfig(level=logging.WARNING)
store = ModbusSlaveContext(
    di=ModbusSequentialDataBlock(0, [0] * 100),
    co=ModbusSequentialDataBlock(0, [i % 2 for i in range(100)]),
    hr=ModbusSequentialDataBlock(0, [100 + i for i in range(100)]),
    ir=ModbusSequentialDataBlock(0, [200 + i for i in range(100)]),
)
context = ModbusServerContext(slaves=store, single=True)
identity = ModbusDeviceIdentification(info_name={
    "VendorName": "zonewatch plant", "ProductCode": "ZW-PLC",
    "ProductName": "pymodbus plant PLC", "ModelName": "plant", "MajorMinorRevision": "1.0"})
StartTcpServer(context=context, identity=identity, address=(addr, port))
