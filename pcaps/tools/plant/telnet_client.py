#!/usr/bin/python3
"""Telnet login for the zonewatch plant capture (Python 3.11 telnetlib).

usage: telnet_client.py HOST USER PASSWORD COMMAND
"""
import sys
import warnings

warnings.simplefilter("ignore", DeprecationWarning)
import telnetlib  # noqa: E402

host, user, password, command = sys.argv[1:5]
tn = telnetlib.Telnet(host, 23, timeout=10)
out = tn.read_until(b"login: ", 10)
tn.write(user.encode() + b"\n")
out += tn.read_until(b"Password: ", 10)
tn.write(password.encode() + b"\n")
out += tn.read_until(b"$ ", 10)
tn.write(command.encode() + b"\n")
out += tn.read_until(b"$ ", 10)
tn.write(b"exit\n")
out += tn.read_all()
tn.close()
sys.stdout.write(out.decode(errors="replace").replace("\r", ""))
print("\ntelnet session done", flush=True)
