#!/usr/bin/env python3
"""pcapvariant.py - rewrite a classic pcap file for mapped.sh.

  pcapvariant.py swap IN OUT        same records, big-endian (swapped) file
  pcapvariant.py nsec IN OUT        nanosecond timestamps (magic a1b23c4d)
  pcapvariant.py repeat IN OUT MIB  the records again and again, each round
                                    shifted in time, until OUT exceeds MIB MiB
                                    (crosses the reader's mapping windows)
  pcapvariant.py cut IN OUT N       OUT ends N bytes into the last record
  pcapvariant.py bigcap IN OUT      the last record claims a captured length
                                    above the file's snapshot length
Only classic little-endian microsecond input is accepted.
"""
import struct
import sys


def read(path):
    data = open(path, 'rb').read()
    magic, vmaj, vmin, zone, sigfigs, snap, link = struct.unpack('<IHHiIII', data[:24])
    if magic != 0xa1b2c3d4:
        sys.exit('%s: not a little-endian microsecond pcap' % path)
    recs = []
    off = 24
    while off + 16 <= len(data):
        sec, usec, cap, wire = struct.unpack('<IIII', data[off:off + 16])
        recs.append((sec, usec, wire, data[off + 16:off + 16 + cap]))
        off += 16 + cap
    return (vmaj, vmin, zone, sigfigs, snap, link), recs


def write(path, hdr, recs, endian='<', magic=0xa1b2c3d4, nsec=False):
    vmaj, vmin, zone, sigfigs, snap, link = hdr
    out = [struct.pack(endian + 'IHHiIII', magic, vmaj, vmin, zone, sigfigs, snap, link)]
    for sec, usec, wire, frame in recs:
        frac = usec * 1000 + 999 if nsec else usec  # 999 ns: must be cut off
        out.append(struct.pack(endian + 'IIII', sec, frac, len(frame), wire) + frame)
    open(path, 'wb').write(b''.join(out))


def main():
    mode, src, dst = sys.argv[1:4]
    hdr, recs = read(src)
    if mode == 'swap':
        write(dst, hdr, recs, endian='>')
    elif mode == 'nsec':
        write(dst, hdr, recs, magic=0xa1b23c4d, nsec=True)
    elif mode == 'repeat':
        want = int(sys.argv[4]) << 20
        span = recs[-1][0] - recs[0][0] + 2
        size = sum(16 + len(r[3]) for r in recs)
        rounds = want // max(size, 1) + 1
        out = []
        for k in range(rounds):
            out += [(s + k * span, u, w, f) for s, u, w, f in recs]
        write(dst, hdr, out)
    elif mode == 'cut':
        write(dst, hdr, recs)
        data = open(dst, 'rb').read()
        last = 16 + len(recs[-1][3])
        open(dst, 'wb').write(data[:len(data) - last + int(sys.argv[4])])
    elif mode == 'bigcap':
        snap = hdr[4]
        sec, usec, wire, frame = recs[-1]
        recs[-1] = (sec, usec, max(wire, snap + 100), frame + bytes(snap + 100 - len(frame)))
        write(dst, hdr, recs)
    else:
        sys.exit('unknown mode ' + mode)


main()
