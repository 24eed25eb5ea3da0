## pcaps/: public captures used by the regression tests, with expected outputs
EXTRA_DIST += \
	%reldir%/README.md \
	%reldir%/conversations.tsv \
	%reldir%/corrupt \
	%reldir%/it \
	%reldir%/modbus \
	%reldir%/opcua \
	%reldir%/ot \
	%reldir%/remote \
	%reldir%/s7comm \
	%reldir%/policy \
	%reldir%/plant \
	%reldir%/scan \
	%reldir%/tools/scan \
	%reldir%/tools/tftp \
	%reldir%/tools/plant \
	%reldir%/tools/remote
EXTRA_DIST += %reldir%/tools/libmodbus-loopback.c \
	%reldir%/tools/opcua-gen/package.json %reldir%/tools/opcua-gen/package-lock.json \
	%reldir%/tools/opcua-gen/gen.js %reldir%/tools/opcua-gen/record.sh \
	%reldir%/tools/opcua-gen/none.ops.txt %reldir%/tools/opcua-gen/secure.ops.txt
