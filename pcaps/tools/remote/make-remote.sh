#!/bin/bash
# make-remote.sh - record pcaps/plant/zw-remote.pcap: vendor remote access and
# design-data transfers (issue #9) between real third-party implementations,
# each host in its own Linux network namespace on one Linux bridge, with the
# address plan of pcaps/tools/plant/make-plant.sh.
#
#   sudo pcaps/tools/remote/make-remote.sh [OUTPUT.pcap]   (default pcaps/plant/zw-remote.pcap)
#
# Needs root and Debian 12 packages: iproute2 util-linux tcpdump openssh-server
# openssh-client python3-pymodbus python3-serial-asyncio python3-pyftpdlib
# python3-aiosmtpd swaks libnet-ssleay-perl libio-socket-ssl-perl curl openssl busybox inetutils-telnetd openbsd-inetd
# xrdp freerdp2-x11 tigervnc-standalone-server tigervnc-tools tigervnc-viewer xvfb xauth.
#
# Everything lives in namespaces named zwr-* that this script creates and
# deletes again (stale ones from an earlier run first); no packet leaves them,
# the host's interfaces and routes are never touched. Users, keys, passwords
# and certificates are made in a temporary directory removed at exit; users
# exist only in the namespaces' private mount namespaces. The phases are in
# pcaps/plant/GROUND-TRUTH-remote.md; the script logs every client operation.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../../.." && pwd)
plant=$top/pcaps/tools/plant
out=${1:-$top/pcaps/plant/zw-remote.pcap}
case $out in /*) ;; *) out=$PWD/$out ;; esac
PY=/usr/bin/python3
P=zwr

[ "$(id -u)" = 0 ] || { echo "make-remote.sh: run as root" >&2; exit 1; }
for c in ip unshare tcpdump ssh ssh-keygen /usr/sbin/sshd busybox /usr/sbin/inetd /usr/sbin/telnetd \
	curl openssl swaks xfreerdp /usr/sbin/xrdp Xvfb Xtigervnc vncviewer vncpasswd; do
	command -v "$c" >/dev/null || { echo "make-remote.sh: missing $c" >&2; exit 1; }
done
$PY -c 'import pymodbus, pyftpdlib, aiosmtpd' || { echo "make-remote.sh: need python3-pymodbus python3-pyftpdlib python3-aiosmtpd" >&2; exit 1; }

# name         address          prefix  zone
HOSTS="
plc-1     10.10.1.5     24 control
plc-2     10.10.1.6     24 control
eng-ws    10.10.3.10    24 engineering
jump-1    10.10.4.5     24 dmz
office-1  10.20.5.50    16 enterprise
vendor-1  198.51.100.23 24 external
"
VENDOR_USER=vendor1      # SSH/RDP/VNC user of the vendor
TELNET_USER=operator TELNET_PASS=plc1-operator
FTP_USER=engineer FTP_PASS=ftp-engineer
VNC_PASS=vnc-eng1

ts() { date -u +%H:%M:%S.%3N; }
log() { echo "[$(ts)] $*"; }

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

delete_namespaces
T=$(mktemp -d /tmp/zwr-remote.XXXXXX)
chmod 755 "$T"

# As make-plant.sh: run "$@" in host $1's namespace with the test user database.
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
		mkdir -p /run/xrdp && mount --bind "$T/xrdp-etc" /etc/xrdp
		exec "$@"' sh "$name" "$T" "$@"
}
bg() {
	local tag=$1
	shift
	"$@" >"$T/log/$tag.log" 2>&1 &
	pids+=($!)
}
wait_port() {
	local i
	for i in $(seq 120); do
		ip netns exec "$P-$1" ss -Hltn "sport = :$2" | grep -q . && return 0
		sleep 0.25
	done
	echo "make-remote.sh: $1:$2 never listened; logs:" >&2
	tail -n 20 "$T"/log/*.log >&2
	exit 1
}

# ---------------------------------------------------------------- users, keys, files
mkdir -p "$T/etc" "$T/log" "$T/home" "$T/ssh" "$T/tls" "$T/ftp" "$T/www" "$T/dl" "$T/up" "$T/vnc"
cp /etc/passwd /etc/shadow /etc/group "$T/etc/"
{ echo '127.0.0.1 localhost'; awk 'NF {print $2, $1, $1 ".plant.invalid"}' <<<"$HOSTS"; } >"$T/etc/hosts"
echo 'nameserver 127.0.0.1' >"$T/etc/resolv.conf"
chmod 600 "$T/etc/shadow"
add_user() { # name uid password
	local h=$T/home/$1
	mkdir -p "$h"
	echo "$1:x:$2:$2:zonewatch remote test user:$h:/bin/sh" >>"$T/etc/passwd"
	echo "$1:x:$2:" >>"$T/etc/group"
	echo "$1:$(openssl passwd -6 "$3"):20000:0:99999:7:::" >>"$T/etc/shadow"
	printf 'PS1="$ "\n' >"$h/.profile"
	chown -R "$2:$2" "$h"
	chmod 755 "$h"
}
add_user "$TELNET_USER" 64101 "$TELNET_PASS"
add_user "$VENDOR_USER" 64102 "$(openssl rand -hex 16)"
install -d -m 700 -o 64102 -g 64102 "$T/home/$VENDOR_USER/.ssh"
ssh-keygen -q -t ed25519 -N '' -C vendor-1 -f "$T/ssh/vendor_key"
install -m 600 -o 64102 -g 64102 "$T/ssh/vendor_key.pub" "$T/home/$VENDOR_USER/.ssh/authorized_keys"
for h in jump-1 eng-ws; do
	ssh-keygen -q -t ed25519 -N '' -C "$h" -f "$T/ssh/${h}_host_key"
	cat >"$T/ssh/sshd_$h.conf" <<-EOC
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
	EOC
done
openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj /CN=mail.plant.invalid \
	-keyout "$T/tls/key.pem" -out "$T/tls/cert.pem" 2>/dev/null
# Design data (small stand-ins with the real names): a TIA Portal archive, a
# Gerber board file, a bill of materials, a firmware image.
(cd "$T" && $PY - <<-'EOC'
	import zipfile, hashlib
	with zipfile.ZipFile("ftp/plc-project.zap16", "w", zipfile.ZIP_DEFLATED) as z:
	    z.writestr("Kiln1/PLC_1/Program blocks/OB1.scl", "ORGANIZATION_BLOCK OB1\nBEGIN\n  \"Kiln1\".Setpoint := 350.0;\nEND_ORGANIZATION_BLOCK\n" * 10)
	with zipfile.ZipFile("ftp/bom.xlsx", "w", zipfile.ZIP_DEFLATED) as z:
	    z.writestr("xl/worksheets/sheet1.xml", "".join(f"<row r=\"{i}\"><c>kiln part {i}</c></row>" for i in range(1, 40)))
	open("up/board.gbr", "w").write("G04 zonewatch test board*\n%FSLAX26Y26*%\n%MOMM*%\nD10*\nX0Y0D02*\nX1000000Y0D01*\nM02*\n")
	fw = bytes((i * 7) & 0xff for i in range(4096))
	open("up/firmware.bin", "wb").write(fw)
	open("www/firmware.bin", "wb").write(fw)
EOC
)
chmod -R a+rwX "$T/ftp" "$T/up" "$T/www"
printf 'plc-1 (zonewatch remote test PLC)\n' >"$T/issue"
printf '#!/bin/sh\nexec /bin/busybox login\n' >"$T/login"
chmod 755 "$T/login"
echo "10.10.1.5:telnet stream tcp nowait root /usr/sbin/telnetd telnetd -h -E $T/login" >"$T/inetd.conf"
# VNC: a password file for Xtigervnc (VNC authentication, RFC 6143 7.2.2).
echo "$VNC_PASS" | vncpasswd -f >"$T/vnc/passwd"
chmod 600 "$T/vnc/passwd"
# xrdp: Debian's configuration with its own key pair; the session manager is
# not started, so the login fails after the security exchange, which is all
# the capture needs (the X.224 negotiation with the user's cookie).
cp -r /etc/xrdp "$T/xrdp-etc"
openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj /CN=eng-ws.plant.invalid \
	-keyout "$T/xrdp-etc/key.pem" -out "$T/xrdp-etc/cert.pem" 2>/dev/null
sed -i -e 's/^port=.*/port=tcp:\/\/10.10.3.10:3389/' -e 's/^security_layer=.*/security_layer=negotiate/' \
	-e "s#^certificate=.*#certificate=$T/xrdp-etc/cert.pem#" -e "s#^key_file=.*#key_file=$T/xrdp-etc/key.pem#" \
	"$T/xrdp-etc/xrdp.ini"

# ---------------------------------------------------------------- network
mac() {
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
ip -n $P-br link add br0 address 02:5c:00:00:00:02 type bridge forward_delay 0 stp_state 0
while read -r name addr plen zone; do
	[ -n "$name" ] || continue
	new_ns "$name"
	ip netns exec "$P-$name" sysctl -qw net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0
	ip -n $P-br link add "p-$name" address "$(mac 02:5b "$addr")" type veth \
		peer name eth0 address "$(mac 02:5a "$addr")" netns "$P-$name"
	ip -n $P-br link set "p-$name" master br0 up
	ip -n "$P-$name" addr add "$addr/$plen" dev eth0
	ip -n "$P-$name" link set eth0 up
	ip -n "$P-$name" route add default dev eth0
done <<<"$HOSTS"
ip -n $P-br link set br0 up

# ---------------------------------------------------------------- servers
bg plc-2-modbus nsx -e plc-2 $PY "$plant/modbus_server.py" 10.10.1.6 502
bg plc-1-telnetd nsx -e plc-1 /usr/sbin/inetd -i "$T/inetd.conf"
bg eng-ws-sshd nsx -e eng-ws /usr/sbin/sshd -D -e -f "$T/ssh/sshd_eng-ws.conf"
bg jump-1-sshd nsx -e jump-1 /usr/sbin/sshd -D -e -f "$T/ssh/sshd_jump-1.conf"
bg eng-ws-ftpd nsx -e eng-ws $PY -m pyftpdlib -i 10.10.3.10 -p 21 -d "$T/ftp" -u "$FTP_USER" -P "$FTP_PASS" -w -r 60000-60009
bg jump-1-http nsx -e jump-1 $PY -m http.server 80 --bind 10.10.4.5 --directory "$T/www"
bg office-1-smtp nsx -e office-1 $PY -m aiosmtpd -n -l 10.20.5.50:25 --tlscert "$T/tls/cert.pem" --tlskey "$T/tls/key.pem" --no-requiretls
bg eng-ws-vnc nsx -e eng-ws Xtigervnc :57 -interface 10.10.3.10 -rfbport 5900 -SecurityTypes VncAuth \
	-rfbauth "$T/vnc/passwd" -geometry 320x200 -depth 16 -nolisten unix
bg eng-ws-xrdp nsx -e eng-ws /usr/sbin/xrdp --nodaemon --config "$T/xrdp-etc/xrdp.ini"
for hp in plc-2:502 plc-1:23 eng-ws:22 jump-1:22 eng-ws:21 jump-1:80 office-1:25 eng-ws:5900 eng-ws:3389; do
	wait_port "${hp%:*}" "${hp#*:}"
done
# a virtual X display for the graphical clients (vncviewer, xfreerdp)
bg vendor-xvfb nsx -e vendor-1 Xvfb :58 -screen 0 640x480x16 -nolisten tcp
sleep 1
log "servers listening"

# ---------------------------------------------------------------- capture
tcpdump_log=$T/log/tcpdump.log
nsx -e br tcpdump -i br0 -s 0 -n -U -Z root -w "$T/remote.pcap" >"$tcpdump_log" 2>&1 &
tcpdump_pid=$!
pids+=($tcpdump_pid)
for i in $(seq 40); do grep -q 'listening on' "$tcpdump_log" && break; sleep 0.25; done
grep -q 'listening on' "$tcpdump_log" || { cat "$tcpdump_log" >&2; exit 1; }
sleep 1

phase() { sleep "${GAP:-1.5}"; echo; log "PHASE $*"; }
SSHC=(ssh -F /dev/null -i "$T/ssh/vendor_key" -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null
	-o BatchMode=yes -o LogLevel=ERROR -o ConnectTimeout=10)

phase "1 vendor-1 -> jump-1:22 SSH as $VENDOR_USER (open 9 s); jump-1 -> eng-ws:22 SSH (open 6 s); eng-ws -> plc-2:502 Modbus writes while both are open"
nsx vendor-1 "${SSHC[@]}" "$VENDOR_USER@10.10.4.5" 'uname -n; sleep 9; echo vendor session ends' &
s1=$!
sleep 1.5
nsx jump-1 "${SSHC[@]}" "$VENDOR_USER@10.10.3.10" 'uname -n; sleep 6; echo jump session ends' &
s2=$!
sleep 1.5
log "eng-ws -> plc-2:502 Modbus writes FC6, FC16, FC5"
nsx eng-ws $PY "$plant/modbus_client.py" write 10.10.1.6 502
wait $s2 $s1

phase "2 vendor-1 -> eng-ws:3389 RDP, xfreerdp /u:$VENDOR_USER +auth-only (xrdp)"
nsx vendor-1 env DISPLAY=:58 timeout 15 xfreerdp /v:10.10.3.10 /u:"$VENDOR_USER" /p:wrong-password \
	/cert:ignore +auth-only /log-level:ERROR >"$T/log/xfreerdp.log" 2>&1 || true
tail -n 3 "$T/log/xfreerdp.log" || true

phase "3 vendor-1 -> eng-ws:5900 VNC (TigerVNC viewer, VNC authentication), 3 s"
nsx vendor-1 env DISPLAY=:58 timeout 3 vncviewer -passwd "$T/vnc/passwd" 10.10.3.10::5900 \
	>"$T/log/vncviewer.log" 2>&1 || true
grep -iE 'connected|authentic|error' "$T/log/vncviewer.log" | head -n 3 || true

phase "4 vendor-1 -> eng-ws:21 FTP as $FTP_USER: upload board.gbr + firmware.bin, download plc-project.zap16 + bom.xlsx, delete bom.xlsx"
nsx vendor-1 curl -q -sS --user "$FTP_USER:$FTP_PASS" -T "{$T/up/board.gbr,$T/up/firmware.bin}" ftp://10.10.3.10/ \
	-w '%{url_effective}: uploaded %{size_upload} bytes\n'
nsx vendor-1 curl -q -sS --user "$FTP_USER:$FTP_PASS" \
	-w '%{url_effective}: %{size_download} bytes\n' \
	-o "$T/dl/plc-project.zap16" ftp://10.10.3.10/plc-project.zap16 \
	-o "$T/dl/bom.xlsx" ftp://10.10.3.10/bom.xlsx
nsx vendor-1 curl -q -sS --user "$FTP_USER:$FTP_PASS" -Q 'DELE bom.xlsx' ftp://10.10.3.10/ -o /dev/null
cmp "$T/dl/plc-project.zap16" "$T/ftp/plc-project.zap16" && log "FTP download intact"

phase "5 eng-ws -> jump-1:80 HTTP GET /firmware.bin (python http.server)"
nsx eng-ws curl -q -sS -o "$T/dl/firmware.bin" -w 'HTTP %{http_code} %{size_download} bytes\n' http://10.10.4.5/firmware.bin

phase "6 eng-ws -> office-1:25 SMTP without TLS, attachment bom.xlsx (swaks)"
nsx eng-ws swaks --server 10.20.5.50 --port 25 --ehlo eng-ws.plant.invalid --from engineer@plant.invalid \
	--to purchasing@plant.invalid --header 'Subject: BOM' --attach @"$T/dl/bom.xlsx" --silent 2 || true

phase "7 eng-ws -> office-1:25 SMTP with STARTTLS (swaks --tls)"
nsx eng-ws swaks --server 10.20.5.50 --port 25 --ehlo eng-ws.plant.invalid --from engineer@plant.invalid \
	--to purchasing@plant.invalid --tls --silent 2 || true

phase "8 office-1 -> plc-1:23 telnet login as $TELNET_USER, runs 'id'"
nsx office-1 $PY "$plant/telnet_client.py" 10.10.1.5 "$TELNET_USER" "$TELNET_PASS" id | tail -n 4

sleep 1.5
kill -INT "$tcpdump_pid"
wait "$tcpdump_pid" || true
cat "$tcpdump_log"
mkdir -p "$(dirname "$out")"
cp "$T/remote.pcap" "$out"
log "wrote $out ($(stat -c %s "$out") bytes)"
