#!/bin/bash
# make-plant.sh - record pcaps/plant/zw-plant.pcap: a whole small plant, every
# protocol spoken by a real third-party implementation, each host in its own
# Linux network namespace, all of them on one Linux bridge.
#
#   sudo pcaps/tools/plant/make-plant.sh [OUTPUT.pcap]     (default pcaps/plant/zw-plant.pcap)
#
# Needs root and Debian 12 packages: iproute2 util-linux tcpdump python3-pymodbus
# python3-serial-asyncio python3-pyftpdlib openssh-server openssh-client busybox
# inetutils-telnetd openbsd-inetd curl openssl nodejs; and node-opcua 2.182.2 installed OUTSIDE the repository:
#   mkdir -p /tmp/plant-npm && cd /tmp/plant-npm && npm install node-opcua@2.182.2
# The script finds it through NODE_PATH (default /tmp/plant-npm/node_modules).
#
# Everything lives in namespaces named zwp-* that this script creates and
# deletes again (stale ones from an earlier run are deleted first); no packet
# leaves them, the host's own interfaces and routes are never touched. Users,
# SSH keys, TLS and OPC UA certificates are generated in a temporary directory
# and removed at exit. Users exist only inside the namespaces' private mount
# namespaces (bind-mounted copies of /etc/passwd, /etc/shadow, /etc/group).
# The host and phase plan is in pcaps/plant/GROUND-TRUTH.md; the script prints
# a log of every client operation (with timestamps) on stdout.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../../.." && pwd)
out=${1:-$top/pcaps/plant/zw-plant.pcap}
case $out in /*) ;; *) out=$PWD/$out ;; esac
export NODE_PATH=${NODE_PATH:-/tmp/plant-npm/node_modules}
PY=/usr/bin/python3 # Debian's python3, where python3-pymodbus lives
P=zwp               # prefix of every namespace this script owns

[ "$(id -u)" = 0 ] || { echo "make-plant.sh: run as root" >&2; exit 1; }
for c in ip unshare tcpdump $PY node ssh ssh-keygen /usr/sbin/sshd busybox /usr/sbin/inetd /usr/sbin/telnetd curl openssl; do
	command -v "$c" >/dev/null || { echo "make-plant.sh: missing $c" >&2; exit 1; }
done
$PY -c 'import pymodbus, pyftpdlib' || { echo "make-plant.sh: need python3-pymodbus python3-serial-asyncio python3-pyftpdlib" >&2; exit 1; }
v=$(node -p 'require("node-opcua/package.json").version' 2>/dev/null || true)
[ "$v" = 2.182.2 ] || { echo "make-plant.sh: need node-opcua 2.182.2 in NODE_PATH=$NODE_PATH (found '${v}')" >&2; exit 1; }

# ---------------------------------------------------------------- plant
# name         address          prefix  zone
HOSTS="
plc-1     10.10.1.5     24 control
plc-2     10.10.1.6     24 control
opcua-1   10.10.1.20    24 control
hmi-1     10.10.2.10    24 supervisory
eng-ws    10.10.3.10    24 engineering
jump-1    10.10.4.5     24 dmz
office-1  10.20.5.50    16 enterprise
vendor-1  198.51.100.23 24 external
laptop    10.99.0.7     16 none
"
# Test credentials (throwaway users that exist only inside the namespaces).
TELNET_USER=operator TELNET_PASS=plc1-operator
FTP_USER=engineer FTP_PASS=ftp-engineer
SSH_USER=vendor

ts() { date -u +%H:%M:%S.%3N; }
log() { echo "[$(ts)] $*"; }

# ---------------------------------------------------------------- cleanup
T=
pids=()
delete_namespaces() {
	local ns pid
	for ns in $(ip netns list | awk '{print $1}' | grep "^$P-" || true); do
		for pid in $(ip netns pids "$ns" 2>/dev/null); do kill "$pid" 2>/dev/null || true; done
		sleep 0.2
		for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -9 "$pid" 2>/dev/null || true; done
		ip netns del "$ns" 2>/dev/null || true
	done
}
cleanup() {
	local rc=$? pid
	set +e
	for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; done
	delete_namespaces
	[ -n "$T" ] && rm -rf "$T"
	exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

delete_namespaces # stale ones from an interrupted run
T=$(mktemp -d /tmp/zwp-plant.XXXXXX)
chmod 755 "$T" # the test users must reach their home directories below it

# Run "$@" in host $1's namespace, with hostname $1, private /run and the
# plant's user database; all in a private mount + UTS namespace. With -e the
# calling (sub)shell is replaced, so that $! of "nsx -e ... &" is the process.
nsx() {
	local e=
	if [ "$1" = -e ]; then e=exec; shift; fi
	local name=$1
	shift
	$e ip netns exec "$P-$name" unshare -m -u --propagation private /bin/sh -c '
		name=$1 T=$2; shift 2
		hostname "$name"
		mount --bind "$T/etc/passwd" /etc/passwd
		mount --bind "$T/etc/shadow" /etc/shadow
		mount --bind "$T/etc/group" /etc/group
		mount --bind "$T/issue" /etc/issue
		mount --bind "$T/etc/hosts" /etc/hosts
		mount --bind "$T/etc/resolv.conf" /etc/resolv.conf
		mount -t tmpfs -o mode=755 tmpfs /run && mkdir -m 755 /run/sshd
		exec "$@"' sh "$name" "$T" "$@"
}
# Start a server in the background; its output goes to $T/log/NAME.log.
bg() {
	local tag=$1
	shift
	"$@" >"$T/log/$tag.log" 2>&1 &
	pids+=($!)
}
wait_port() { # host port
	local i
	for i in $(seq 120); do
		ip netns exec "$P-$1" ss -Hltn "sport = :$2" | grep -q . && return 0
		sleep 0.25
	done
	echo "make-plant.sh: $1:$2 never listened; logs:" >&2
	tail -n 20 "$T"/log/*.log >&2
	exit 1
}

# ---------------------------------------------------------------- users, keys, files
mkdir -p "$T/etc" "$T/log" "$T/home" "$T/ssh" "$T/pki" "$T/tls" "$T/ftp" "$T/www" "$T/dl"
cp /etc/passwd /etc/shadow /etc/group "$T/etc/"
# Names resolve from a plant /etc/hosts; DNS goes to 127.0.0.1 (nothing there),
# so no lookup ever leaves a namespace's loopback.
{ echo '127.0.0.1 localhost'; awk 'NF {print $2, $1, $1 ".plant.invalid"}' <<<"$HOSTS"; } >"$T/etc/hosts"
echo 'nameserver 127.0.0.1' >"$T/etc/resolv.conf"
chmod 600 "$T/etc/shadow"
add_user() { # name uid password
	local h=$T/home/$1
	mkdir -p "$h"
	echo "$1:x:$2:$2:zonewatch plant test user:$h:/bin/sh" >>"$T/etc/passwd"
	echo "$1:x:$2:" >>"$T/etc/group"
	echo "$1:$(openssl passwd -6 "$3"):20000:0:99999:7:::" >>"$T/etc/shadow"
	printf 'PS1="$ "\n' >"$h/.profile"
	chown -R "$2:$2" "$h"
	chmod 755 "$h"
}
add_user "$TELNET_USER" 64101 "$TELNET_PASS"
add_user "$SSH_USER" 64102 "$(openssl rand -hex 16)"
install -d -m 700 -o 64102 -g 64102 "$T/home/$SSH_USER/.ssh"
ssh-keygen -q -t ed25519 -N '' -C vendor-1 -f "$T/ssh/vendor_key"
install -m 600 -o 64102 -g 64102 "$T/ssh/vendor_key.pub" "$T/home/$SSH_USER/.ssh/authorized_keys"
for h in jump-1 eng-ws; do
	ssh-keygen -q -t ed25519 -N '' -C "$h" -f "$T/ssh/${h}_host_key"
	cat >"$T/ssh/sshd_$h.conf" <<-EOF
		ListenAddress $(awk -v h=$h '$1 == h {print $2}' <<<"$HOSTS"):22
		HostKey $T/ssh/${h}_host_key
		PidFile none
		UsePAM no
		PubkeyAuthentication yes
		PasswordAuthentication no
		KbdInteractiveAuthentication no
		PermitRootLogin no
		AuthorizedKeysFile .ssh/authorized_keys
		PrintMotd no
		PrintLastLog no
		UseDNS no
	EOF
done
openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj /CN=eng-ws.plant.invalid \
	-keyout "$T/tls/key.pem" -out "$T/tls/cert.pem" 2>/dev/null
# FTP share of eng-ws: a PLC project archive (TIA Portal V16 archive name) and a BOM.
(cd "$T" && $PY - <<-'EOF'
	import zipfile
	with zipfile.ZipFile("ftp/plc-project.zap16", "w", zipfile.ZIP_DEFLATED) as z:
	    z.writestr("Kiln1/PLC_1/Program blocks/OB1.scl",
	               "// zonewatch plant test project\nORGANIZATION_BLOCK OB1\nBEGIN\n  \"Kiln1\".Setpoint := 350.0;\nEND_ORGANIZATION_BLOCK\n" * 40)
	    z.writestr("Kiln1/PLC_1/Tags/Default tag table.xml", "<Tags>" + "".join(f"<Tag Name=\"T{i}\" Address=\"%MW{2*i}\"/>" for i in range(300)) + "</Tags>\n")
	with zipfile.ZipFile("ftp/bom.xlsx", "w", zipfile.ZIP_DEFLATED) as z:
	    z.writestr("[Content_Types].xml", "<?xml version=\"1.0\"?><Types/>\n")
	    z.writestr("xl/worksheets/sheet1.xml", "".join(f"<row r=\"{i}\"><c>kiln part {i}</c></row>" for i in range(1, 200)))
EOF
)
cat >"$T/www/index.html" <<'EOF'
<!DOCTYPE html>
<html><head><title>plc-1 web server</title></head>
<body><h1>plc-1</h1><p>Kiln 1 controller. Status: RUN.</p></body></html>
EOF
# telnet on plc-1: inetutils telnetd started by openbsd-inetd, login by busybox
# login (reads the bind-mounted /etc/shadow; /bin/login's PAM stack wants
# pam_loginuid, which containers often refuse).
printf 'plc-1 (zonewatch plant test PLC)\n' >"$T/issue"
printf '#!/bin/sh\nexec /bin/busybox login\n' >"$T/login"
chmod 755 "$T/login"
echo "10.10.1.5:telnet stream tcp nowait root /usr/sbin/telnetd telnetd -h -E $T/login" >"$T/inetd.conf"

# ---------------------------------------------------------------- network
mac() { # prefix IPv4-address -> prefix:a:b:c:d (deterministic, locally administered)
	local p=$1 IFS=.
	set -- $2
	printf '%s:%02x:%02x:%02x:%02x' "$p" "$1" "$2" "$3" "$4"
}
new_ns() {
	ip netns add "$P-$1"
	ip netns exec "$P-$1" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
	ip -n "$P-$1" link set lo up
}
new_ns br
ip -n $P-br link add br0 address 02:5c:00:00:00:01 type bridge forward_delay 0 stp_state 0
while read -r name addr plen zone; do
	[ -n "$name" ] || continue
	new_ns "$name"
	ip netns exec "$P-$name" sysctl -qw net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0
	ip -n $P-br link add "p-$name" address "$(mac 02:5b "$addr")" type veth \
		peer name eth0 address "$(mac 02:5a "$addr")" netns "$P-$name"
	ip -n $P-br link set "p-$name" master br0 up
	ip -n "$P-$name" addr add "$addr/$plen" dev eth0
	ip -n "$P-$name" link set eth0 up
	ip -n "$P-$name" route add default dev eth0 # every plant address is on-link
done <<<"$HOSTS"
ip -n $P-br link set br0 up

# ---------------------------------------------------------------- servers
bg plc-1-modbus nsx -e plc-1 $PY "$here/modbus_server.py" 10.10.1.5 502
bg plc-1-http nsx -e plc-1 $PY -m http.server 80 --bind 10.10.1.5 --directory "$T/www"
bg plc-1-telnetd nsx -e plc-1 /usr/sbin/inetd -i "$T/inetd.conf"
bg plc-2-modbus nsx -e plc-2 $PY "$here/modbus_server.py" 10.10.1.6 502
bg plc-2-modbus-5020 nsx -e plc-2 $PY "$here/modbus_server.py" 10.10.1.6 5020
bg opcua-1 nsx -e opcua-1 node "$here/opcua_server.js" 10.10.1.20 "$T/pki/opcua-1"
bg eng-ws-sshd nsx -e eng-ws /usr/sbin/sshd -D -e -f "$T/ssh/sshd_eng-ws.conf"
bg jump-1-sshd nsx -e jump-1 /usr/sbin/sshd -D -e -f "$T/ssh/sshd_jump-1.conf"
bg eng-ws-ftpd nsx -e eng-ws $PY -m pyftpdlib -i 10.10.3.10 -p 21 -d "$T/ftp" -u "$FTP_USER" -P "$FTP_PASS" -r 60000-60009
bg eng-ws-tls nsx -e eng-ws openssl s_server -accept 443 -cert "$T/tls/cert.pem" -key "$T/tls/key.pem" \
	-tls1 -cipher DEFAULT@SECLEVEL=0 -www -naccept 1
for hp in plc-1:502 plc-1:80 plc-1:23 plc-2:502 plc-2:5020 opcua-1:4840 eng-ws:22 jump-1:22 eng-ws:21 eng-ws:443; do
	wait_port "${hp%:*}" "${hp#*:}"
done
log "servers listening"

# ---------------------------------------------------------------- capture
tcpdump_log=$T/log/tcpdump.log
nsx -e br tcpdump -i br0 -s 0 -n -U -Z root -w "$T/plant.pcap" >"$tcpdump_log" 2>&1 &
tcpdump_pid=$!
pids+=($tcpdump_pid)
for i in $(seq 40); do grep -q 'listening on' "$tcpdump_log" && break; sleep 0.25; done
grep -q 'listening on' "$tcpdump_log" || { cat "$tcpdump_log" >&2; exit 1; }
sleep 1

phase() { sleep "${GAP:-1.5}"; echo; log "PHASE $*"; }
SSHC=(ssh -F /dev/null -i "$T/ssh/vendor_key" -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null
	-o BatchMode=yes -o LogLevel=ERROR -o ConnectTimeout=10)

phase "1 hmi-1 -> plc-1:502 Modbus polling (FC3 + FC1 every 0.5 s for 10 s)"
nsx hmi-1 $PY "$here/modbus_client.py" poll 10.10.1.5 502 10 0.5 | tail -n 3

phase "2 hmi-1 -> plc-2:5020 Modbus FC3 on a non-standard port, 3 reads"
nsx hmi-1 $PY "$here/modbus_client.py" read 10.10.1.6 5020 3 0.5

phase "3 hmi-1 -> opcua-1:4840 OPC UA, security None, anonymous: browse + read"
nsx hmi-1 node "$here/opcua_client.js" hmi opc.tcp://10.10.1.20:4840/ "$T/pki/hmi-1" 2>&1 | grep -v '^[0-9:.]*Z :\|^ \.\.\.'

phase "4 hmi-1 -> plc-1:80 HTTP GET /"
nsx hmi-1 curl -q -sS -o /dev/null -w 'HTTP %{http_code} %{size_download} bytes\n' http://10.10.1.5/

phase "5 eng-ws -> plc-2:502 Modbus writes FC6, FC16, FC5"
nsx eng-ws $PY "$here/modbus_client.py" write 10.10.1.6 502

phase "6 eng-ws -> opcua-1:4840 OPC UA, security None, anonymous: read + write + call"
nsx eng-ws node "$here/opcua_client.js" eng opc.tcp://10.10.1.20:4840/ "$T/pki/eng-ws" 2>&1 | grep -v '^[0-9:.]*Z :\|^ \.\.\.'

phase "7 vendor-1 -> jump-1:22 SSH (key auth), runs 'id; uname -n'"
nsx vendor-1 "${SSHC[@]}" "$SSH_USER@10.10.4.5" 'id; uname -n'

phase "8 vendor-1 -> eng-ws:22 SSH (key auth) directly, runs 'id; uname -n'"
nsx vendor-1 "${SSHC[@]}" "$SSH_USER@10.10.3.10" 'id; uname -n'

phase "9 office-1 -> plc-1:23 telnet login as $TELNET_USER, runs 'id'"
nsx office-1 $PY "$here/telnet_client.py" 10.10.1.5 "$TELNET_USER" "$TELNET_PASS" id | tail -n 4

phase "10 office-1 -> eng-ws:21 FTP download plc-project.zap16 + bom.xlsx (one control connection)"
nsx office-1 curl -q -sS --user "$FTP_USER:$FTP_PASS" \
	-w '%{url_effective}: %{size_download} bytes\n' \
	-o "$T/dl/plc-project.zap16" ftp://10.10.3.10/plc-project.zap16 \
	-o "$T/dl/bom.xlsx" ftp://10.10.3.10/bom.xlsx
cmp "$T/dl/plc-project.zap16" "$T/ftp/plc-project.zap16" && cmp "$T/dl/bom.xlsx" "$T/ftp/bom.xlsx" && log "FTP files intact"

phase "11 office-1 -> eng-ws:443 TLS 1.0 (openssl s_client -tls1), GET /"
printf 'GET / HTTP/1.0\r\n\r\n' | nsx office-1 openssl s_client -connect 10.10.3.10:443 -tls1 \
	-cipher DEFAULT@SECLEVEL=0 -servername eng-ws.plant.invalid -ign_eof >"$T/log/s_client.log" 2>&1 || true
grep -E '^ *(Protocol|Cipher) *:|^HTTP/' "$T/log/s_client.log" || true

phase "12 laptop 10.99.0.7 -> plc-1:502 Modbus FC3 x1"
nsx laptop $PY "$here/modbus_client.py" read 10.10.1.5 502 1

sleep 1.5
kill -INT "$tcpdump_pid"
wait "$tcpdump_pid" || true
cat "$tcpdump_log"
mkdir -p "$(dirname "$out")"
cp "$T/plant.pcap" "$out"
log "wrote $out ($(stat -c %s "$out") bytes)"
