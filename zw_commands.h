/* zw_commands.h - `zonewatch sat`, `zonewatch inventory`, `zonewatch learn`
 * (issue #8). Each returns the process exit status.
 */
#ifndef ZW_COMMANDS_H
#define ZW_COMMANDS_H

int zw_cmd_sat(int argc, char **argv);
int zw_cmd_inventory(int argc, char **argv);
int zw_cmd_learn(int argc, char **argv);

struct rule_errors;
/* The loader's check of protocol names beyond our dissectors' (user: the
 * struct dis_ndpi of the names): nDPI's, and "ftp" for nDPI's ftp_control
 * and ftp_data (rule_eval.c matches it that way). */
int zw_proto_known(void *user, const char *name);
/* Every error of a policy that did not load, on standard error. */
void zw_print_policy_errors(const struct rule_errors *err);

#endif /* ZW_COMMANDS_H */
