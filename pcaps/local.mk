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
	%reldir%/tools/plant
EXTRA_DIST += %reldir%/tools/libmodbus-loopback.c
