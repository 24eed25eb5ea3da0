#!/usr/bin/env python3
"""syslog_check.py - parse what a syslog collector wrote back and compare it
with zonewatch's JSON lines.

  syslog_check.py FORMAT ORDER RECEIVED JSONL [FACILITY]

FORMAT is rfc5424-json, rfc5424-text or cef; ORDER is "ordered" (TCP/TLS:
same records in the same order, each exactly once), "set" (same records,
any order) or "subset" (UDP, which may lose datagrams: each record received
is one of ours, at most once, and correct). RECEIVED holds one raw message per line (rsyslog
template "%rawmsg%\\n"). Records with MSGID ZW-900 (drop notices) are
reported and skipped. Exit status 0 when everything matches; each problem is
printed.
"""
import json
import re
import sys

SEV = {"info": 6, "low": 5, "medium": 4, "high": 3, "critical": 2}
HDR = re.compile(r'^<(\d{1,3})>1 (\S+) (\S+) (\S+) (\S+) (\S+) (.*)$', re.S)
PRINTUS = re.compile(r'^[\x21-\x7e]+$')


def parse_sd(s):
    """RFC 5424 6.3: returns (elements, rest). elements: [(id, {name: value})]."""
    if s.startswith('- '):
        return [], s[2:]
    if s == '-':
        return [], ''
    els = []
    i = 0
    while i < len(s) and s[i] == '[':
        j = i + 1
        while j < len(s) and s[j] not in ' ]':
            j += 1
        sdid = s[i + 1:j]
        if not sdid or any(c in sdid for c in '="') or len(sdid) > 32:
            raise ValueError('bad SD-ID %r' % sdid)
        params = {}
        while s[j] == ' ':
            k = s.index('=', j)
            name = s[j + 1:k]
            if not name or len(name) > 32 or not PRINTUS.match(name) or any(c in name for c in '= ]"'):
                raise ValueError('bad PARAM-NAME %r' % name)
            if s[k + 1] != '"':
                raise ValueError('PARAM-VALUE of %s not quoted' % name)
            k += 2
            val = []
            while True:
                c = s[k]
                if c == '\\' and s[k + 1] in '"\\]':
                    val.append(s[k + 1])
                    k += 2
                    continue
                if c == '"':
                    break
                if c == ']':
                    raise ValueError('unescaped ] in value of %s' % name)
                val.append(c)
                k += 1
            params[name] = ''.join(val)
            j = k + 1
        if s[j] != ']':
            raise ValueError('SD-ELEMENT not closed')
        els.append((sdid, params))
        i = j + 1
    if i >= len(s):
        return els, ''
    if s[i] != ' ':
        raise ValueError('no space after STRUCTURED-DATA')
    return els, s[i + 1:]


def cef_split(msg):
    """Header fields split on unescaped '|', unescaped; extension as dict."""
    parts, cur, i = [], [], 0
    while i < len(msg) and len(parts) < 7:
        c = msg[i]
        if c == '\\' and i + 1 < len(msg) and msg[i + 1] in '|\\':
            cur.append(msg[i + 1])
            i += 2
            continue
        if c == '|':
            parts.append(''.join(cur))
            cur = []
            i += 1
            continue
        cur.append(c)
        i += 1
    ext = msg[i:]
    # keys are [A-Za-z0-9]+ preceded by start or an unescaped space and
    # followed by an unescaped '='
    keys = [m for m in re.finditer(r'(?:^| )([A-Za-z0-9]+)=', ext)]
    keys = [m for m in keys if m.start(1) == 0 or ext[m.start(1) - 2] != '\\' or True]
    d = {}
    for n, m in enumerate(keys):
        end = keys[n + 1].start() if n + 1 < len(keys) else len(ext)
        raw = ext[m.end():end]
        if re.search(r'(?<!\\)=', raw.replace('\\\\', '')):
            raise ValueError('unescaped = in CEF value of %s: %r' % (m.group(1), raw))
        out, k = [], 0
        while k < len(raw):
            if raw[k] == '\\' and k + 1 < len(raw):
                out.append({'n': '\n', 'r': '\r'}.get(raw[k + 1], raw[k + 1]))
                k += 2
            else:
                out.append(raw[k])
                k += 1
        d[m.group(1)] = ''.join(out)
    return parts, d


def check_one(fmt, line, jrec, jline, facility, errs, where):
    m = HDR.match(line)
    if not m:
        errs.append('%s: not an RFC 5424 message: %r' % (where, line[:80]))
        return
    pri, ts, host, app, procid, msgid, rest = m.groups()
    sev = jrec['zonewatch']['severity']
    if int(pri) != facility * 8 + SEV[sev]:
        errs.append('%s: PRI %s, expected %d' % (where, pri, facility * 8 + SEV[sev]))
    if ts != jrec['@timestamp']:
        errs.append('%s: TIMESTAMP %s != %s' % (where, ts, jrec['@timestamp']))
    if not PRINTUS.match(host) or len(host) > 255:
        errs.append('%s: bad HOSTNAME %r' % (where, host))
    if app != 'zonewatch' or not procid.isdigit():
        errs.append('%s: APP-NAME/PROCID %s %s' % (where, app, procid))
    if msgid != jrec['rule']['id']:
        errs.append('%s: MSGID %s != %s' % (where, msgid, jrec['rule']['id']))
    try:
        els, msg = parse_sd(rest)
    except (ValueError, IndexError) as e:
        errs.append('%s: structured data: %s' % (where, e))
        return
    if fmt == 'cef':
        if els:
            errs.append('%s: CEF message with structured data' % where)
        parts, ext = cef_split(msg)
        want = ['CEF:0', 'zonewatch', 'zonewatch', None, jrec['rule']['id'], jrec['rule']['name'], None]
        for k, w in enumerate(want):
            if w is not None and (k >= len(parts) or parts[k] != w):
                errs.append('%s: CEF header field %d %r != %r' % (where, k, parts[k:k + 1], w))
        if ext.get('msg') != jrec['message']:
            errs.append('%s: CEF msg %r != %r' % (where, ext.get('msg'), jrec['message']))
        if 'source' in jrec and (ext.get('src') != jrec['source']['ip'] or ext.get('dpt') != str(jrec['destination']['port'])):
            errs.append('%s: CEF src/dpt' % where)
        if ext.get('shost') != jrec['zonewatch'].get('asset', {}).get('source'):
            errs.append('%s: CEF shost %r' % (where, ext.get('shost')))
        if ext.get('cs4') != jrec['zonewatch']['seen'] or ext.get('cs5') != jrec['zonewatch']['allowed']:
            errs.append('%s: CEF cs4/cs5 %r %r' % (where, ext.get('cs4'), ext.get('cs5')))
        return
    if len(els) != 1 or els[0][0] != 'zonewatch@32473':
        errs.append('%s: expected one SD-ELEMENT zonewatch@32473, got %r' % (where, els))
        return
    p = els[0][1]
    zw = jrec['zonewatch']
    src, dst, net = jrec.get('source', {}), jrec.get('destination', {}), jrec.get('network', {})
    s_ = lambda v: None if v is None else str(v)
    want = {
        'rule': jrec['rule']['name'], 'severity': sev, 'count': str(jrec['event']['count']),
        'src': src.get('ip'), 'spt': s_(src.get('port')),
        'dst': dst.get('ip'), 'dpt': s_(dst.get('port')),
        'transport': net.get('transport'), 'flow_id': s_(zw.get('flow_id')),
        'protocol': net.get('protocol'),
        'src_zone': zw.get('zone', {}).get('source'), 'dst_zone': zw.get('zone', {}).get('destination'),
        'src_asset': zw.get('asset', {}).get('source'), 'dst_asset': zw.get('asset', {}).get('destination'),
        'conduit': zw.get('conduit'), 'observer': jrec.get('observer', {}).get('name'),
    }
    for k, v in want.items():
        if p.get(k) != v:
            errs.append('%s: SD-PARAM %s=%r, expected %r' % (where, k, p.get(k), v))
    if fmt == 'rfc5424-json':
        if msg != jline:
            errs.append('%s: MSG differs from the JSON line:\n  %r\n  %r' % (where, msg[:120], jline[:120]))
        else:
            json.loads(msg)
    else:
        exp = ''.join(' ' if (ord(c) < 32 or ord(c) == 127) else c for c in jrec['message'])
        if msg != exp:
            errs.append('%s: MSG %r != %r' % (where, msg, exp))


def main():
    fmt, order, received, jsonl = sys.argv[1:5]
    facility = int(sys.argv[5]) if len(sys.argv) > 5 else 20
    jlines = [l.rstrip('\n') for l in open(jsonl, encoding='utf-8')]
    jrecs = [json.loads(l) for l in jlines]
    got = []
    notices = 0
    for l in open(received, 'rb'):
        s = l.decode('utf-8').rstrip('\n')  # raises if not UTF-8
        if ' ZW-900 ' in s[:120]:
            notices += 1
            continue
        got.append(s)
    errs = []
    if order == 'subset':
        if not got:
            errs.append('nothing received')
    elif len(got) != len(jlines):
        errs.append('received %d records, expected %d' % (len(got), len(jlines)))
    if order == 'ordered':
        pairs = list(zip(got, range(len(jlines))))
    else:
        by_flow = {}
        for i, r in enumerate(jrecs):
            by_flow[r['zonewatch'].get('flow_id')] = i
        pairs = []
        for g in got:
            m = re.search(r' flow_id="(\d+)"', g) or re.search(r' externalId=(\d+)', g)
            if m and int(m.group(1)) in by_flow:
                pairs.append((g, by_flow.pop(int(m.group(1)))))
            else:
                errs.append('unexpected or duplicate record %r' % g[:100])
    for n, (g, i) in enumerate(pairs):
        check_one(fmt, g, jrecs[i], jlines[i], facility, errs, 'record %d' % (n + 1))
        if len(errs) > 20:
            break
    for e in errs[:20]:
        print('  ' + e)
    print('%s %s: %d of %d records checked, %d drop notices, %d problems' % (fmt, order, len(pairs), len(jlines), notices, len(errs)))
    sys.exit(1 if errs else 0)


if __name__ == '__main__':
    main()
