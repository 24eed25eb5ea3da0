/* out_inventory.h - asset inventory: every address seen, with its MAC,
 * vendor (MAC OUI), zone and declared asset (with a policy), the protocols it
 * serves and uses, first/last seen, traffic, and the identity it announced
 * on the wire.
 *
 * Fed with ended flows and dissector events. Identity is taken from string
 * fields of events whose keys it knows (docs/inventory.md), so identities
 * from new dissectors appear without code changes here:
 *   Modbus FC43/14 device identification: keys beginning "device."
 *   S7comm SZL module identification: keys containing "order_number",
 *     "firmware", "serial_number", "module_name"
 *   OPC UA GetEndpoints/CreateSession: keys containing "application_uri",
 *     "application_name", "product_uri", "software_version", "build_number",
 *     "manufacturer_name", "product_name"
 * The identity belongs to the flow's responder (server), unless the key
 * begins with "client." or contains "client_" (the initiator's). The latest
 * value of a key wins.
 *
 * Bounded: OUT_INV_HOSTS addresses, OUT_INV_SERVICES served/used entries and
 * OUT_INV_IDENTITY identity fields per address; what does not fit is counted.
 */
#ifndef ZW_OUT_INVENTORY_H
#define ZW_OUT_INVENTORY_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct flow;
struct dis_event;
struct dis_ndpi;
struct rule_policy;
struct json_object;

#define OUT_INV_HOSTS 65536
#define OUT_INV_SERVICES 32
#define OUT_INV_IDENTITY 16
#define OUT_INV_OUI_DEFAULT "/usr/share/ieee-data/oui.txt"

struct out_inv;

/* pol (may be NULL) gives zones and asset names; nd (may be NULL) nDPI's
 * protocol names. Both must outlive the inventory. NULL if out of memory. */
struct out_inv *out_inv_new(const struct rule_policy *pol, struct dis_ndpi *nd);
void out_inv_free(struct out_inv *inv);
/* Replaces the policy (live mode reloads it); NULL: no zones. */
void out_inv_set_policy(struct out_inv *inv, const struct rule_policy *pol);

/* Loads the IEEE OUI registry (ieee-data's oui.txt format: "00-1B-1B   (hex)
 * Vendor"). Returns the number of entries, or -1 with errbuf if the file
 * cannot be read (the inventory then says vendor unknown). */
long out_inv_load_oui(struct out_inv *inv, const char *path, char *errbuf, size_t errlen);
/* Vendor of a MAC address: the registry's name, "locally administered" for
 * such addresses, or NULL if unknown. */
const char *out_inv_vendor(const struct out_inv *inv, const uint8_t mac[6]);

/* A flow: ended = 0 when its protocol became known (live mode, so long
 * flows show up before they end: addresses, MACs, services), 1 when it
 * ended (adds its packets, bytes and the flow count). */
void out_inv_flow(struct out_inv *inv, const struct flow *f, int ended);
void out_inv_event(struct out_inv *inv, const struct dis_event *ev);

/* Hosts sorted by address (IPv4 before IPv6), as JSON (caller owns it) or
 * CSV (RFC 4180, header line first). */
struct json_object *out_inv_json(struct out_inv *inv);
int out_inv_csv(struct out_inv *inv, FILE *fp);

/* Writes the JSON to path atomically (path.tmp, then rename). 0 or -1 with
 * errbuf. */
int out_inv_write_file(struct out_inv *inv, const char *path, char *errbuf, size_t errlen)
	__attribute__((warn_unused_result));

#endif /* ZW_OUT_INVENTORY_H */
