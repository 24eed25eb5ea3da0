/* zw_commands.h - `zonewatch sat`, `zonewatch inventory`, `zonewatch learn`
 * (issue #8). Each returns the process exit status.
 */
#ifndef ZW_COMMANDS_H
#define ZW_COMMANDS_H

int zw_cmd_sat(int argc, char **argv);
int zw_cmd_inventory(int argc, char **argv);
int zw_cmd_learn(int argc, char **argv);

#endif /* ZW_COMMANDS_H */
