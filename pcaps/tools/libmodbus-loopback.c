/* libmodbus-loopback.c - maintainer tool: a libmodbus server and client
 * talking Modbus/TCP over 127.0.0.1, used to record
 * pcaps/modbus/modbus-libmodbus-loopback.pcap with a third-party
 * implementation (Debian's libmodbus, not our code) on both ends.
 *
 *   apt-get install libmodbus-dev tcpdump
 *   cc -o /tmp/mbl pcaps/tools/libmodbus-loopback.c $(pkg-config --cflags --libs libmodbus)
 *   tcpdump -i lo -w pcaps/modbus/modbus-libmodbus-loopback.pcap 'tcp port 15502' &
 *   /tmp/mbl 15502; kill %1
 *
 * The client (unit 17) sends, in order: 10 x FC3 read 8 holding registers at
 * 100, FC1 read 16 coils at 0, FC4 read 4 input registers at 10, FC6 write
 * 0x1234 to register 7, FC16 write 5 registers at 20, FC15 write 12 coils
 * at 3, FC5 write coil 2 on, FC17 report server id, FC23 read/write,
 * FC22 mask write register 7, FC43/14 read device identification (raw; the
 * libmodbus server answers with an exception), and FC3 at 5000, past the
 * server's 1000 registers (illegal data address exception). It prints what
 * it sent so the capture's counts can be checked.
 */
#include <errno.h>
#include <modbus.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int serve(int port)
{
	modbus_t *ctx = modbus_new_tcp("127.0.0.1", port);
	modbus_mapping_t *map = modbus_mapping_new(1000, 1000, 1000, 1000);
	if (!ctx || !map)
		return 1;
	int s = modbus_tcp_listen(ctx, 1);
	if (s < 0)
		return 1;
	modbus_tcp_accept(ctx, &s);
	uint8_t q[MODBUS_TCP_MAX_ADU_LENGTH];
	for (;;) {
		int rc = modbus_receive(ctx, q);
		if (rc > 0)
			modbus_reply(ctx, q, rc, map);
		else if (rc == -1)
			break;
	}
	modbus_mapping_free(map);
	modbus_close(ctx);
	modbus_free(ctx);
	return 0;
}

int main(int argc, char **argv)
{
	int port = argc > 1 ? atoi(argv[1]) : 15502;
	pid_t pid = fork();
	if (pid == 0)
		return serve(port);
	sleep(1);
	modbus_t *c = modbus_new_tcp("127.0.0.1", port);
	modbus_set_slave(c, 17);
	if (modbus_connect(c) < 0) {
		fprintf(stderr, "connect: %s\n", modbus_strerror(errno));
		return 1;
	}
	uint16_t regs[64];
	uint8_t bits[64];
	for (int i = 0; i < 10; i++)
		modbus_read_registers(c, 100, 8, regs);
	modbus_read_bits(c, 0, 16, bits);
	modbus_read_input_registers(c, 10, 4, regs);
	modbus_write_register(c, 7, 0x1234);
	uint16_t w[5] = { 1, 2, 3, 4, 5 };
	modbus_write_registers(c, 20, 5, w);
	uint8_t cb[12] = { 1, 0, 1, 1, 0, 0, 1, 0, 1, 1, 1, 0 };
	modbus_write_bits(c, 3, 12, cb);
	modbus_write_bit(c, 2, 1);
	uint8_t id[64];
	modbus_report_slave_id(c, sizeof(id), id);
	uint16_t rw[2] = { 7, 8 };
	modbus_write_and_read_registers(c, 30, 2, rw, 100, 3, regs);
	modbus_mask_write_register(c, 7, 0x00f2, 0x0025);
	uint8_t raw[] = { 17, 0x2b, 0x0e, 0x01, 0x00 };
	uint8_t rsp[MODBUS_TCP_MAX_ADU_LENGTH];
	if (modbus_send_raw_request(c, raw, sizeof(raw)) > 0)
		modbus_receive_confirmation(c, rsp);
	if (modbus_read_registers(c, 5000, 2, regs) < 0)
		printf("FC3 at 5000: %s (expected: illegal data address)\n", modbus_strerror(errno));
	printf("sent: FC3 x11, FC1, FC4, FC6, FC16, FC15, FC5, FC17, FC23, FC22, FC43/14\n");
	modbus_close(c);
	modbus_free(c);
	waitpid(pid, NULL, 0);
	return 0;
}
