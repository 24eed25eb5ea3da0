/* sess.h - passive session dissectors for remote access and cleartext file
 * transfer (issue #9): SSH, RDP, VNC, Telnet, FTP, HTTP and SMTP. One file
 * each (ssh.c, rdp.c, vnc.c, telnet.c, ftp.c, http.c, smtp.c); they share
 * this header and dissectors/dis_text.h. All are passive (dis.h): nDPI goes
 * on classifying the flow, and each dissector stops both directions as soon
 * as it has its session attribution.
 */
#ifndef ZW_SESS_H
#define ZW_SESS_H

#include <stddef.h>
#include <stdint.h>

#include "dissectors/dis.h"

enum dis_probe_result ssh_probe(const uint8_t *buf, size_t len, int dir);
enum dis_probe_result rdp_probe(const uint8_t *buf, size_t len, int dir);
enum dis_probe_result vnc_probe(const uint8_t *buf, size_t len, int dir);
enum dis_probe_result telnet_probe(const uint8_t *buf, size_t len, int dir);
enum dis_probe_result ftp_probe(const uint8_t *buf, size_t len, int dir);
enum dis_probe_result http_probe(const uint8_t *buf, size_t len, int dir);
enum dis_probe_result smtp_probe(const uint8_t *buf, size_t len, int dir);

extern const struct dis_proto ssh_proto;
extern const struct dis_proto rdp_proto;
extern const struct dis_proto vnc_proto;
extern const struct dis_proto telnet_proto;
extern const struct dis_proto ftp_proto;
extern const struct dis_proto http_proto;
extern const struct dis_proto smtp_proto;

#endif /* ZW_SESS_H */
