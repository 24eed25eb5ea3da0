#!/bin/sh
# s7comm-accounting.sh - issue #4: on every capture with TPKT/COTP or
# S7comm-plus traffic, zonewatch's per-function counters (the statistics
# record, --metrics) equal tshark's counts in s7comm-groundtruth.tsv: S7comm
# jobs, userdata, each job function (job + ack-data), SZL reads, S7comm-plus
# PDUs by version, opcode and request function. tshark counts frames and
# zonewatch PDUs; on these captures every frame holds one PDU. Known,
# explained differences are listed in the ground-truth file (!expect).
set -u
: "${ZONEWATCH:?ZONEWATCH must name the zonewatch binary}"
: "${srcdir:=.}"
gt="$srcdir/tests/regress/s7comm-groundtruth.tsv"
fail=0 n=0
header=$(grep -v '^[#!]' "$gt" | head -1)
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
grep -v '^[#!]' "$gt" | tail -n +2 > "$tmp.rows"
while IFS= read -r row; do
	file=${row%%	*}
	cap=$(find "$srcdir/pcaps" -name "$file" | head -1)
	if [ -z "$cap" ]; then
		echo "FAIL $file: capture not found under pcaps/"
		fail=$((fail + 1))
		continue
	fi
	n=$((n + 1))
	"$ZONEWATCH" read -q --no-progress --metrics --json - "$cap" 2>/dev/null |
		grep '"kind":"metric"' > "$tmp"
	res=$(awk -v header="$header" -v row="$row" -v file="$file" -v gtfile="$gt" '
	BEGIN { FS = "\t" }
	# the counters of the cotp dissector, both directions summed
	NR == FNR {
		s = $0
		p = index(s, "\"cotp\":{")
		if (!p)
			next
		s = substr(s, p)
		p = index(s, "\"operations\":{")
		if (!p)
			next
		s = substr(s, p + 14)
		sub(/\}.*/, "", s)
		m = split(s, kv, ",")
		for (i = 1; i <= m; i++) {
			k = kv[i]; v = k
			sub(/^"/, "", k); sub(/".*/, "", k); sub(/.*:/, "", v)
			sub(/^from_(initiator|responder)\./, "", k)
			c[k] += v
			if (k ~ /^s7comm_plus\.request\./) c["#req"] += v
			if (k ~ /^s7comm_plus\.response\./) c["#res"] += v
		}
		next
	}
	END {
		nh = split(header, h, "\t"); split(row, t, "\t")
		while ((getline line < gtfile) > 0) {
			if (line !~ /^!expect/) continue
			split(line, e, "\t")
			if (e[2] == file) { want[e[3]] = e[4]; why[e[3]] = e[5] }
		}
		j = "s7comm.job."; a = "s7comm.ack_data."
		o["s7_job"] = c["s7comm.job"]
		o["s7_userdata"] = c["s7comm.userdata"]
		o["s7_setup_comm"] = c[j "setup_communication"] + c[a "setup_communication"]
		o["s7_read_var"] = c[j "read_var"] + c[a "read_var"]
		o["s7_write_var"] = c[j "write_var"] + c[a "write_var"]
		o["s7_write_var_job"] = c[j "write_var"]
		o["s7_download_job"] = c[j "request_download"] + c[j "download_block"] + c[j "download_ended"]
		o["s7_download"] = o["s7_download_job"] + c[a "request_download"] + c[a "download_block"] + c[a "download_ended"]
		o["s7_upload"] = c[j "start_upload"] + c[j "upload"] + c[j "end_upload"] + c[a "start_upload"] + c[a "upload"] + c[a "end_upload"]
		o["s7_pi_service"] = c[j "pi_service"] + c[a "pi_service"]
		o["s7_plc_start_job"] = c["s7comm.job.plc_start"]
		o["s7_plc_stop"] = c[j "plc_stop"] + c[a "plc_stop"]
		o["s7_szl"] = c["s7comm.userdata.cpu_functions.read_szl"]
		o["s7plus"] = c["s7comm_plus"]
		o["s7p_frames"] = c["s7comm_plus"]
		o["s7p_v1"] = c["s7comm_plus.v1"]; o["s7p_v2"] = c["s7comm_plus.v2"]
		o["s7p_v3"] = c["s7comm_plus.v3"]; o["s7p_sysevent"] = c["s7comm_plus.system_event"]
		o["s7p_req"] = c["#req"]
		o["s7p_res"] = c["#res"] - c["s7comm_plus.response2_opcode"]
		o["s7p_notification"] = c["s7comm_plus.notification"]
		bad = ""; total = 0
		for (i = 2; i <= nh; i++) {
			col = h[i]; wantv = (col in want) ? want[col] : t[i]
			if (col ~ /^s7p_req_/) { f = col; sub(/^s7p_req_/, "", f); o[col] = c["s7comm_plus.request." f] }
			total += o[col]
			if (o[col] + 0 != wantv + 0)
				bad = bad sprintf(" %s=%d(tshark %d)", col, o[col], wantv)
			else if (col in want)
				note = note sprintf(" %s=%d(tshark %s: %s)", col, o[col], t[i], why[col])
		}
		if (bad != "") print "FAIL" bad
		else print "ok " total note
	}' "$tmp" /dev/null)
	case $res in
	"")
		echo "FAIL $file: no result"
		fail=$((fail + 1)) ;;
	FAIL*) echo "FAIL $file:${res#FAIL}"; fail=$((fail + 1)) ;;
	*) echo "ok   $file: ${res#ok }" ;;
	esac
done < "$tmp.rows"
rm -f "$tmp.rows"
echo "s7comm accounting: $n captures, $fail failed"
[ "$n" -gt 0 ] && [ $fail -eq 0 ]
