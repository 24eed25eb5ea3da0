/* out_report.h - the SAT report as JSON, Markdown or a self-contained HTML
 * page, and the helpers that make it evidence (SHA-256 of the inputs) and
 * safe (escaping of everything that came from the wire or the policy).
 *
 * The report is the JSON tree rule_sat_report() builds (docs/sat.md); the
 * Markdown and HTML forms are renderings of that tree and hold nothing it
 * does not. The HTML page has no external resources: the zone drawing is
 * inline SVG laid out by Graphviz (dot), and the table sorter is a few lines
 * of inline JavaScript.
 */
#ifndef ZW_OUT_REPORT_H
#define ZW_OUT_REPORT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct json_object;

enum out_report_fmt { OUT_REPORT_JSON, OUT_REPORT_MARKDOWN, OUT_REPORT_HTML };

/* "json", "markdown" (or "md"), "html"; -1 if unknown. */
int out_report_fmt_parse(const char *s);

/* SHA-256 of a file as 64 lower-case hex digits, and its size. Returns 0, or
 * -1 with errbuf ("path: reason"). */
int out_report_sha256_file(const char *path, char hex[65], uint64_t *bytes, char *errbuf,
			   size_t errlen) __attribute__((warn_unused_result));

/* Writes the report. Returns 0, or -1 when writing failed (errno set) or
 * the drawing could not be made (the page is still written, with a note). */
int out_report_write(FILE *fp, struct json_object *report, enum out_report_fmt fmt);

/* The zone drawing as an inline <svg> element (Graphviz dot layout), or
 * NULL if Graphviz failed. The caller frees the string. */
char *out_report_svg(struct json_object *report);

/* Escapers, exported for the tests. Control bytes (and DEL) become the four
 * characters \xNN in every form, so nothing from the wire can break a line,
 * a table or the page. */
void out_html_puts(FILE *fp, const char *s);  /* & < > " ' as entities */
void out_md_puts(FILE *fp, const char *s);    /* Markdown table cell text */
void out_csv_field(FILE *fp, const char *s);  /* RFC 4180: quoted when needed */

#endif /* ZW_OUT_REPORT_H */
