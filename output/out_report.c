/* out_report.c - SAT report rendering: JSON, Markdown, HTML (inline SVG by
 * Graphviz, inline table sorter). See out_report.h and docs/sat.md.
 */
#include "config.h"

#include "output/out_report.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>
#include <openssl/evp.h>
#include <graphviz/gvc.h>

/* ---- evidence ---- */

int out_report_fmt_parse(const char *s)
{
	if (strcmp(s, "json") == 0)
		return OUT_REPORT_JSON;
	if (strcmp(s, "markdown") == 0 || strcmp(s, "md") == 0)
		return OUT_REPORT_MARKDOWN;
	if (strcmp(s, "html") == 0)
		return OUT_REPORT_HTML;
	return -1;
}

int out_report_sha256_file(const char *path, char hex[65], uint64_t *bytes, char *errbuf,
			   size_t errlen)
{
	int rc = -1;
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned mdlen = 0;
	static unsigned char buf[65536];
	EVP_MD_CTX *ctx = NULL;
	FILE *fp = fopen(path, "rb");
	if (!fp) {
		snprintf(errbuf, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	ctx = EVP_MD_CTX_new();
	if (!ctx || EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1) {
		snprintf(errbuf, errlen, "%s: SHA-256 not available (libcrypto)", path);
		goto out;
	}
	*bytes = 0;
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), fp)) > 0) {
		if (EVP_DigestUpdate(ctx, buf, n) != 1) {
			snprintf(errbuf, errlen, "%s: SHA-256 failed", path);
			goto out;
		}
		*bytes += n;
	}
	if (ferror(fp)) {
		snprintf(errbuf, errlen, "%s: %s", path, strerror(errno));
		goto out;
	}
	if (EVP_DigestFinal_ex(ctx, md, &mdlen) != 1 || mdlen != 32) {
		snprintf(errbuf, errlen, "%s: SHA-256 failed", path);
		goto out;
	}
	for (unsigned i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	rc = 0;
out:
	EVP_MD_CTX_free(ctx);
	fclose(fp);
	return rc;
}

/* ---- escaping ---- */

static int is_ctl(unsigned char c)
{
	return c < 0x20 || c == 0x7f;
}

void out_html_puts(FILE *fp, const char *s)
{
	if (!s)
		return;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '&': fputs("&amp;", fp); break;
		case '<': fputs("&lt;", fp); break;
		case '>': fputs("&gt;", fp); break;
		case '"': fputs("&quot;", fp); break;
		case '\'': fputs("&#39;", fp); break;
		default:
			if (is_ctl(*p))
				fprintf(fp, "\\x%02x", *p);
			else
				fputc(*p, fp);
		}
	}
}

void out_md_puts(FILE *fp, const char *s)
{
	if (!s)
		return;
	int lead_digits = 1;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		unsigned char c = *p;
		if (is_ctl(c)) {
			fprintf(fp, "\\x%02x", c);
		} else if (c == '&') {
			fputs("&amp;", fp);
		} else if (c == '<') {
			fputs("&lt;", fp);
		} else if (c == '>') {
			fputs("&gt;", fp);
		} else if (strchr("\\`*_[]|#!~$", c) || ((c == '-' || c == '+' || c == '=') && p == (const unsigned char *)s) ||
			   ((c == '.' || c == ')') && lead_digits && p != (const unsigned char *)s &&
			    (p[1] == ' ' || p[1] == '\0'))) {
			fputc('\\', fp);
			fputc(c, fp);
		} else {
			fputc(c, fp);
		}
		if (c < '0' || c > '9')
			lead_digits = 0;
	}
}

void out_csv_field(FILE *fp, const char *s)
{
	if (!s)
		return;
	int quote = 0;
	for (const char *p = s; *p; p++)
		if (*p == ',' || *p == '"' || *p == '\r' || *p == '\n' || is_ctl((unsigned char)*p))
			quote = 1;
	/* A leading = + - @ would make a spreadsheet evaluate the cell. */
	if (*s == '=' || *s == '+' || *s == '-' || *s == '@')
		quote = 1;
	if (!quote) {
		fputs(s, fp);
		return;
	}
	fputc('"', fp);
	if (*s == '=' || *s == '+' || *s == '-' || *s == '@')
		fputc('\'', fp);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"')
			fputs("\"\"", fp);
		else if (is_ctl(*p))
			fprintf(fp, "\\x%02x", *p);
		else
			fputc(*p, fp);
	}
	fputc('"', fp);
}

/* ---- reading the tree ---- */

static struct json_object *get(struct json_object *o, const char *k)
{
	struct json_object *v = NULL;
	if (o && json_object_object_get_ex(o, k, &v))
		return v;
	return NULL;
}

static const char *gs(struct json_object *o, const char *k)
{
	struct json_object *v = get(o, k);
	return v && json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;
}

static long long gi(struct json_object *o, const char *k)
{
	struct json_object *v = get(o, k);
	return v ? (long long)json_object_get_int64(v) : 0;
}

static int gb(struct json_object *o, const char *k)
{
	struct json_object *v = get(o, k);
	return v ? json_object_get_boolean(v) : 0;
}

static size_t alen(struct json_object *a)
{
	return a && json_object_is_type(a, json_type_array) ? json_object_array_length(a) : 0;
}

static struct json_object *aget(struct json_object *a, size_t i)
{
	return json_object_array_get_idx(a, i);
}

/* ---- tables: one model, rendered as Markdown or HTML ---- */

#define TAB_MAX_COLS 14

struct tab {
	const char *id, *title, *note;
	const char *cols[TAB_MAX_COLS];
	unsigned ncols;
	struct json_object *rows; /* array of arrays of strings (or null) */
};

static void tab_init(struct tab *t, const char *id, const char *title, const char *note)
{
	memset(t, 0, sizeof(*t));
	t->id = id;
	t->title = title;
	t->note = note;
	t->rows = json_object_new_array();
}

static void tab_col(struct tab *t, const char *name)
{
	if (t->ncols < TAB_MAX_COLS)
		t->cols[t->ncols++] = name;
}

static struct json_object *tab_row(struct tab *t)
{
	struct json_object *r = json_object_new_array();
	json_object_array_add(t->rows, r);
	return r;
}

static void cell_s(struct json_object *r, const char *s)
{
	json_object_array_add(r, s ? json_object_new_string(s) : NULL);
}

static void cell_i(struct json_object *r, long long v)
{
	char b[32];
	snprintf(b, sizeof(b), "%lld", v);
	cell_s(r, b);
}

static void cell_examples(struct json_object *r, struct json_object *o)
{
	struct json_object *ex = get(o, "examples");
	char b[600];
	size_t len = 0;
	b[0] = '\0';
	for (size_t i = 0; i < alen(ex); i++) {
		struct json_object *e = aget(ex, i);
		int k = snprintf(b + len, sizeof(b) - len, "%s#%lld %s -> %s", i ? "; " : "",
				 gi(e, "flow_id"), gs(e, "client"), gs(e, "server"));
		if (k < 0 || (size_t)k >= sizeof(b) - len)
			break;
		len += (size_t)k;
	}
	cell_s(r, b);
}

static void cell_classes(struct json_object *r, struct json_object *o)
{
	struct json_object *byc = get(o, "operations_by_class");
	char b[256];
	size_t len = 0;
	b[0] = '\0';
	json_object_object_foreach(byc, k, v) {
		int n = snprintf(b + len, sizeof(b) - len, "%s%s %lld", len ? ", " : "", k,
				 (long long)json_object_get_int64(v));
		if (n < 0 || (size_t)n >= sizeof(b) - len)
			break;
		len += (size_t)n;
	}
	cell_s(r, b);
}

static void md_table(FILE *fp, const struct tab *t)
{
	fprintf(fp, "\n## ");
	out_md_puts(fp, t->title);
	fprintf(fp, "\n\n");
	if (t->note) {
		out_md_puts(fp, t->note);
		fprintf(fp, "\n\n");
	}
	size_t n = alen(t->rows);
	if (n == 0) {
		fprintf(fp, "None.\n");
		return;
	}
	fputc('|', fp);
	for (unsigned c = 0; c < t->ncols; c++) {
		fputc(' ', fp);
		out_md_puts(fp, t->cols[c]);
		fputs(" |", fp);
	}
	fputs("\n|", fp);
	for (unsigned c = 0; c < t->ncols; c++)
		fputs("---|", fp);
	fputc('\n', fp);
	for (size_t i = 0; i < n; i++) {
		struct json_object *r = aget(t->rows, i);
		fputc('|', fp);
		for (unsigned c = 0; c < t->ncols; c++) {
			fputc(' ', fp);
			out_md_puts(fp, json_object_get_string(aget(r, c)));
			fputs(" |", fp);
		}
		fputc('\n', fp);
	}
}

static void html_table(FILE *fp, const struct tab *t)
{
	fprintf(fp, "<h2 id=\"%s\">", t->id);
	out_html_puts(fp, t->title);
	fputs("</h2>\n", fp);
	if (t->note) {
		fputs("<p class=\"note\">", fp);
		out_html_puts(fp, t->note);
		fputs("</p>\n", fp);
	}
	size_t n = alen(t->rows);
	if (n == 0) {
		fputs("<p>None.</p>\n", fp);
		return;
	}
	fprintf(fp, "<div class=\"tw\"><table class=\"sortable\" id=\"t-%s\">\n<thead><tr>", t->id);
	for (unsigned c = 0; c < t->ncols; c++) {
		fputs("<th title=\"click to sort\">", fp);
		out_html_puts(fp, t->cols[c]);
		fputs("</th>", fp);
	}
	fputs("</tr></thead>\n<tbody>\n", fp);
	for (size_t i = 0; i < n; i++) {
		struct json_object *r = aget(t->rows, i);
		const char *cls = NULL;
		for (unsigned c = 0; c < t->ncols; c++) {
			const char *v = json_object_get_string(aget(r, c));
			if (v && (strcmp(v, "no") == 0 || strcmp(v, "FAIL") == 0))
				cls = "bad";
		}
		fprintf(fp, "<tr%s>", cls ? " class=\"bad\"" : "");
		for (unsigned c = 0; c < t->ncols; c++) {
			fputs("<td>", fp);
			out_html_puts(fp, json_object_get_string(aget(r, c)));
			fputs("</td>", fp);
		}
		fputs("</tr>\n", fp);
	}
	fputs("</tbody></table></div>\n", fp);
}

static void tab_free(struct tab *t)
{
	json_object_put(t->rows);
	t->rows = NULL;
}

static void allows_text(struct json_object *al, char *b, size_t len)
{
	struct json_object *pr = get(al, "protocols"), *ports = get(al, "ports"),
			   *fc = get(al, "functions");
	size_t used = 0;
	b[0] = '\0';
#define APPEND(...) do { int k_ = snprintf(b + used, len - used, __VA_ARGS__); \
		if (k_ > 0 && (size_t)k_ < len - used) used += (size_t)k_; } while (0)
	if (!alen(pr))
		APPEND("any protocol");
	for (size_t i = 0; i < alen(pr); i++)
		APPEND("%s%s", i ? "/" : "", json_object_get_string(aget(pr, i)));
	const char *tr = gs(al, "transport");
	int any_tr = !tr || strcmp(tr, "any") == 0;
	if (!alen(ports))
		APPEND(" %s%sany port", any_tr ? "" : tr, any_tr ? "" : " ");
	else
		APPEND(" %s%s", any_tr ? "port" : tr, any_tr ? " " : "/");
	for (size_t i = 0; i < alen(ports); i++)
		APPEND("%s%s", i ? "," : "", json_object_get_string(aget(ports, i)));
	for (size_t i = 0; i < alen(fc); i++)
		APPEND("%s%s", i ? "," : " functions ", json_object_get_string(aget(fc, i)));
#undef APPEND
}

/* The report's sections as tables, in order. Returns the count. */
static unsigned build_tables(struct json_object *rep, struct tab *t, unsigned max)
{
	unsigned n = 0;
	char b[512];
	struct json_object *a, *r;
	if (max < 6)
		return 0;

	tab_init(&t[n], "conduits", "Conduits and allow-rules (approved)",
		 "Every allow-rule of the policy and the traffic that exercised it.");
	const char *cc[] = { "conduit", "from", "to", "rule", "allows", "exercised", "flows",
			     "operations", "by class", "packets", "bytes", "first", "last",
			     "examples" };
	for (unsigned c = 0; c < 14; c++)
		tab_col(&t[n], cc[c]);
	a = get(rep, "conduits");
	for (size_t i = 0; i < alen(a); i++) {
		struct json_object *cd = aget(a, i), *rules = get(cd, "rules");
		for (size_t j = 0; j < alen(rules); j++) {
			struct json_object *ru = aget(rules, j);
			r = tab_row(&t[n]);
			cell_s(r, gs(cd, "name"));
			cell_s(r, gs(cd, "from"));
			cell_s(r, gs(cd, "to"));
			cell_s(r, gs(ru, "name"));
			allows_text(get(ru, "allows"), b, sizeof(b));
			cell_s(r, b);
			cell_s(r, gb(ru, "exercised") ? "yes" : "no");
			cell_i(r, gi(ru, "flows"));
			cell_i(r, gi(ru, "operations"));
			cell_classes(r, ru);
			cell_i(r, gi(ru, "packets"));
			cell_i(r, gi(ru, "bytes"));
			cell_s(r, gs(ru, "first"));
			cell_s(r, gs(ru, "last"));
			cell_examples(r, ru);
		}
	}
	n++;

	const char *oc[] = { "status", "client zone", "server zone", "conduit", "protocol",
			     "port", "function class", "action", "flows", "operations", "packets",
			     "bytes", "first", "last" };
	for (int intra = 0; intra < 2; intra++) {
		tab_init(&t[n], intra ? "intra" : "notapproved",
			 intra ? "Inside one zone (no conduit needed)" : "Observed but not approved",
			 intra ? NULL : "Zone pairs, protocols, ports and function classes seen "
					"that no allow-rule approves (example flows in the JSON report).");
		for (unsigned c = 0; c < 14; c++)
			tab_col(&t[n], oc[c]);
		tab_col(&t[n], "examples");
		a = get(rep, intra ? "intra_zone" : "not_approved");
		for (size_t i = 0; i < alen(a); i++) {
			struct json_object *o = aget(a, i);
			r = tab_row(&t[n]);
			cell_s(r, gs(o, "status"));
			cell_s(r, gs(o, "client_zone") ? gs(o, "client_zone") : "(no zone)");
			cell_s(r, gs(o, "server_zone") ? gs(o, "server_zone") : "(no zone)");
			cell_s(r, gs(o, "conduit"));
			snprintf(b, sizeof(b), "%s/%s", gs(o, "protocol"), gs(o, "transport"));
			cell_s(r, b);
			cell_i(r, gi(o, "port"));
			cell_s(r, gs(o, "function_class") ? gs(o, "function_class") : "(flow)");
			cell_s(r, gs(o, "action"));
			cell_i(r, gi(o, "flows"));
			cell_i(r, gi(o, "operations"));
			cell_i(r, gi(o, "packets"));
			cell_i(r, gi(o, "bytes"));
			cell_s(r, gs(o, "first"));
			cell_s(r, gs(o, "last"));
			cell_examples(r, o);
		}
		n++;
	}

	tab_init(&t[n], "unknown", "Unknown assets (addresses in no zone)", NULL);
	const char *uc[] = { "address", "public", "flows", "packets", "bytes", "first", "last",
			     "examples" };
	for (unsigned c = 0; c < 8; c++)
		tab_col(&t[n], uc[c]);
	a = get(rep, "unknown_assets");
	for (size_t i = 0; i < alen(a); i++) {
		struct json_object *o = aget(a, i);
		r = tab_row(&t[n]);
		cell_s(r, gs(o, "ip"));
		cell_s(r, gb(o, "public") ? "yes" : "private");
		cell_i(r, gi(o, "flows"));
		cell_i(r, gi(o, "packets"));
		cell_i(r, gi(o, "bytes"));
		cell_s(r, gs(o, "first"));
		cell_s(r, gs(o, "last"));
		cell_examples(r, o);
	}
	n++;

	tab_init(&t[n], "remote", "Remote-access sessions", NULL);
	const char *rc[] = { "protocol", "client", "client zone", "server", "server zone",
			     "approved by", "start", "end", "packets", "bytes" };
	for (unsigned c = 0; c < 10; c++)
		tab_col(&t[n], rc[c]);
	a = get(rep, "remote_access");
	for (size_t i = 0; i < alen(a); i++) {
		struct json_object *o = aget(a, i);
		r = tab_row(&t[n]);
		cell_s(r, gs(o, "protocol"));
		cell_s(r, gs(o, "client"));
		cell_s(r, gs(o, "client_zone") ? gs(o, "client_zone") : "(external)");
		cell_s(r, gs(o, "server"));
		cell_s(r, gs(o, "server_zone") ? gs(o, "server_zone") : "(no zone)");
		cell_s(r, gs(o, "approved_by") ? gs(o, "approved_by") : "no");
		cell_s(r, gs(o, "start"));
		cell_s(r, gs(o, "end"));
		cell_i(r, gi(o, "packets"));
		cell_i(r, gi(o, "bytes"));
	}
	n++;

	tab_init(&t[n], "alerts", "Alerts (flows, operations, remote access, hygiene)",
		 "Every distinct alert of the policy in the baseline window; "
		 "those marked fails=yes fail the SAT.");
	const char *ac[] = { "rule id", "rule", "category", "severity", "fails", "count", "first",
			     "last", "conduit", "policy rule", "message" };
	for (unsigned c = 0; c < 11; c++)
		tab_col(&t[n], ac[c]);
	a = get(rep, "alerts");
	for (size_t i = 0; i < alen(a); i++) {
		struct json_object *o = aget(a, i);
		r = tab_row(&t[n]);
		cell_s(r, gs(o, "rule_id"));
		cell_s(r, gs(o, "rule_name"));
		cell_s(r, gs(o, "category"));
		cell_s(r, gs(o, "severity"));
		cell_s(r, gb(o, "fails") ? "FAIL" : "-");
		cell_i(r, gi(o, "count"));
		cell_s(r, gs(o, "first"));
		cell_s(r, gs(o, "last"));
		cell_s(r, gs(o, "conduit"));
		cell_s(r, gs(o, "policy_rule"));
		cell_s(r, gs(o, "message"));
	}
	n++;
	return n;
}

/* Evidence: key/value rows. */
static void evidence(struct json_object *rep, struct tab *t)
{
	struct json_object *r, *po = get(rep, "policy"), *cap = get(rep, "capture"),
			   *win = get(rep, "baseline_window"), *in = get(rep, "inputs");
	char b[700];
	tab_init(t, "evidence", "Evidence", NULL);
	tab_col(t, "item");
	tab_col(t, "value");
#define KV(k, v) do { r = tab_row(t); cell_s(r, k); cell_s(r, v); } while (0)
	KV("zonewatch version", gs(rep, "zonewatch_version"));
	KV("command line", gs(rep, "command_line"));
	KV("policy", gs(po, "path"));
	KV("policy site", gs(po, "site"));
	KV("policy SHA-256", gs(po, "sha256"));
	for (size_t i = 0; i < alen(in); i++) {
		struct json_object *o = aget(in, i);
		snprintf(b, sizeof(b), "%s (%lld bytes) SHA-256 %s", gs(o, "path"), gi(o, "bytes"),
			 gs(o, "sha256"));
		KV("capture file", b);
	}
	snprintf(b, sizeof(b), "%s to %s, %lld packets, %lld bytes", gs(cap, "first"),
		 gs(cap, "last"), gi(cap, "packets"), gi(cap, "bytes"));
	KV("capture span", b);
	if (win)
		snprintf(b, sizeof(b), "%s (from %s until %s)", gs(win, "given"),
			 gs(win, "from") ? gs(win, "from") : "start",
			 gs(win, "until") ? gs(win, "until") : "end");
	else
		snprintf(b, sizeof(b), "none: the whole capture counts");
	KV("baseline window", b);
	snprintf(b, sizeof(b), "alerts of severity %s or higher%s", gs(rep, "fail_severity"),
		 gb(rep, "require_exercised") ? "; approved allow-rules never exercised" : "");
	KV("fails the SAT", b);
#undef KV
}

/* ---- Graphviz drawing ---- */

/* Graphviz interprets \N \G \l ... in labels: double every backslash. */
static void gv_label(char *dst, size_t len, const char *src)
{
	size_t o = 0;
	for (const char *p = src ? src : ""; *p && o + 3 < len; p++) {
		if (*p == '\\')
			dst[o++] = '\\';
		dst[o++] = (char)(is_ctl((unsigned char)*p) ? '?' : *p);
	}
	dst[o] = '\0';
}

#define NOZONE_LABEL "(no zone)\\nunknown hosts"

static Agnode_t *gv_zone(Agraph_t *g, struct json_object *zones, const char *name,
			 Agnode_t **extra, const char *extra_label)
{
	char id[32], lbl[256];
	if (name) {
		for (size_t i = 0; i < alen(zones); i++) {
			const char *zn = gs(aget(zones, i), "name");
			if (zn && strcmp(zn, name) == 0) {
				snprintf(id, sizeof(id), "z%zu", i);
				return agnode(g, id, 0);
			}
		}
	}
	if (!*extra) {
		/* extra_label is ours (a constant), not from the policy */
		*extra = agnode(g, extra_label[0] == 'e' ? "external" : "nozone", 1);
		snprintf(lbl, sizeof(lbl), "%s", extra_label);
		agsafeset(*extra, "label", lbl, "");
		agsafeset(*extra, "shape", "octagon", "");
		agsafeset(*extra, "style", "filled", "");
		agsafeset(*extra, "fillcolor", "#fff3e0", "");
		agsafeset(*extra, "color", "#e65100", "");
	}
	return *extra;
}

char *out_report_svg(struct json_object *rep)
{
	char lbl[600], tmp[300];
	struct json_object *zones = get(rep, "zones");
	GVC_t *gvc = gvContext();
	if (!gvc)
		return NULL;
	Agraph_t *g = agopen("zones", Agdirected, NULL);
	if (!g) {
		gvFreeContext(gvc);
		return NULL;
	}
	agattr(g, AGRAPH, "rankdir", "LR");
	agattr(g, AGRAPH, "fontname", "Helvetica");
	agattr(g, AGRAPH, "nodesep", "0.5");
	agattr(g, AGNODE, "shape", "box");
	agattr(g, AGNODE, "style", "rounded,filled");
	agattr(g, AGNODE, "fillcolor", "#e3f2fd");
	agattr(g, AGNODE, "fontname", "Helvetica");
	agattr(g, AGEDGE, "fontname", "Helvetica");
	agattr(g, AGEDGE, "fontsize", "10");
	for (size_t i = 0; i < alen(zones); i++) {
		struct json_object *z = aget(zones, i);
		char id[32];
		snprintf(id, sizeof(id), "z%zu", i);
		Agnode_t *nd = agnode(g, id, 1);
		struct json_object *sl = get(z, "security_level"), *nets = get(z, "networks");
		gv_label(tmp, sizeof(tmp), gs(z, "name"));
		size_t used = (size_t)snprintf(lbl, sizeof(lbl), "%s", tmp);
		if (sl && used < sizeof(lbl))
			used += (size_t)snprintf(lbl + used, sizeof(lbl) - used, "\\nSL%lld",
						 (long long)json_object_get_int64(sl));
		for (size_t k = 0; k < alen(nets) && k < 3 && used < sizeof(lbl); k++)
			used += (size_t)snprintf(lbl + used, sizeof(lbl) - used, "\\n%s",
						 json_object_get_string(aget(nets, k)));
		agsafeset(nd, "label", lbl, "");
	}
	Agnode_t *nozone = NULL, *external = NULL;
	/* approved conduits */
	struct json_object *cds = get(rep, "conduits");
	for (size_t i = 0; i < alen(cds); i++) {
		struct json_object *c = aget(cds, i), *rules = get(c, "rules");
		Agnode_t *a = gv_zone(g, zones, gs(c, "from"), &nozone, NOZONE_LABEL);
		Agnode_t *b = gv_zone(g, zones, gs(c, "to"), &nozone, NOZONE_LABEL);
		unsigned ex = 0;
		long long flows = 0;
		for (size_t j = 0; j < alen(rules); j++) {
			ex += gb(aget(rules, j), "exercised") ? 1u : 0u;
			flows += gi(aget(rules, j), "flows");
		}
		Agedge_t *e = agedge(g, a, b, NULL, 1);
		gv_label(tmp, sizeof(tmp), gs(c, "name"));
		snprintf(lbl, sizeof(lbl), "%s\\n%u/%zu rules used, %lld flows", tmp, ex, alen(rules),
			 flows);
		agsafeset(e, "label", lbl, "");
		agsafeset(e, "color", ex ? "#2e7d32" : "#9e9e9e", "");
		agsafeset(e, "fontcolor", ex ? "#1b5e20" : "#616161", "");
		agsafeset(e, "penwidth", ex ? "2.5" : "1.2", "");
		if (!ex)
			agsafeset(e, "style", "dashed", "");
		if (gb(c, "bidirectional"))
			agsafeset(e, "dir", "both", "");
	}
	/* observed, not approved: one edge per zone pair, protocols listed */
	struct json_object *na = get(rep, "not_approved");
	for (size_t i = 0; i < alen(na); i++) {
		struct json_object *o = aget(na, i);
		const char *cz = gs(o, "client_zone"), *sz = gs(o, "server_zone");
		int seen = 0;
		for (size_t k = 0; k < i && !seen; k++) {
			struct json_object *p = aget(na, k);
			const char *pc = gs(p, "client_zone"), *ps = gs(p, "server_zone");
			seen = ((!pc && !cz) || (pc && cz && strcmp(pc, cz) == 0)) &&
			       ((!ps && !sz) || (ps && sz && strcmp(ps, sz) == 0));
		}
		if (seen)
			continue;
		size_t used = 0;
		lbl[0] = '\0';
		unsigned listed = 0;
		for (size_t k = i; k < alen(na); k++) {
			struct json_object *p = aget(na, k);
			const char *pc = gs(p, "client_zone"), *ps = gs(p, "server_zone");
			if (!(((!pc && !cz) || (pc && cz && strcmp(pc, cz) == 0)) &&
			      ((!ps && !sz) || (ps && sz && strcmp(ps, sz) == 0))))
				continue;
			if (listed++ >= 4) {
				if (listed == 6 && used < sizeof(lbl))
					used += (size_t)snprintf(lbl + used, sizeof(lbl) - used, "\\n...");
				continue;
			}
			gv_label(tmp, sizeof(tmp), gs(p, "protocol"));
			if (used < sizeof(lbl))
				used += (size_t)snprintf(lbl + used, sizeof(lbl) - used, "%s%s/%lld%s%s",
							 used ? "\\n" : "", tmp, gi(p, "port"),
							 gs(p, "function_class") ? " " : "",
							 gs(p, "function_class") ? gs(p, "function_class") : "");
		}
		Agnode_t *a = gv_zone(g, zones, cz, &nozone, NOZONE_LABEL);
		Agnode_t *b = gv_zone(g, zones, sz, &nozone, NOZONE_LABEL);
		Agedge_t *e = agedge(g, a, b, NULL, 1);
		agsafeset(e, "label", lbl, "");
		agsafeset(e, "color", "#c62828", "");
		agsafeset(e, "fontcolor", "#b71c1c", "");
		agsafeset(e, "penwidth", "2", "");
	}
	/* remote access from outside the zones */
	struct json_object *ra = get(rep, "remote_access");
	for (size_t i = 0; i < alen(ra); i++) {
		struct json_object *o = aget(ra, i);
		Agnode_t *a = gs(o, "client_zone") ? gv_zone(g, zones, gs(o, "client_zone"), &nozone, NOZONE_LABEL) :
						      gv_zone(g, zones, NULL, &external, "external");
		Agnode_t *b = gv_zone(g, zones, gs(o, "server_zone"), &nozone, NOZONE_LABEL);
		int ok = gs(o, "approved_by") != NULL;
		gv_label(tmp, sizeof(tmp), gs(o, "protocol"));
		snprintf(lbl, sizeof(lbl), "remote %s%s", tmp, ok ? " (approved)" : "");
		Agedge_t *e = agedge(g, a, b, NULL, 1);
		agsafeset(e, "label", lbl, "");
		agsafeset(e, "color", ok ? "#1565c0" : "#c62828", "");
		agsafeset(e, "fontcolor", ok ? "#0d47a1" : "#b71c1c", "");
		agsafeset(e, "style", "bold", "");
	}
	char *out = NULL;
	char *data = NULL;
	size_t len = 0;
	if (gvLayout(gvc, g, "dot") == 0) {
		/* gvRender into a memory stream: gvRenderData's length type
		 * differs between Graphviz versions */
		FILE *ms = open_memstream(&data, &len);
		if (ms) {
			int r = gvRender(gvc, g, "svg", ms);
			if (fclose(ms) == 0 && r == 0 && data) {
				/* drop the XML prolog, DOCTYPE and generator comment */
				char *svg = strstr(data, "<svg");
				if (svg) {
					size_t n = len - (size_t)(svg - data);
					out = malloc(n + 1);
					if (out) {
						memcpy(out, svg, n);
						out[n] = '\0';
					}
				}
			}
			free(data);
		}
		gvFreeLayout(gvc, g);
	}
	agclose(g);
	gvFreeContext(gvc);
	return out;
}

/* ---- pages ---- */

static const char html_style[] =
	"body{font-family:Helvetica,Arial,sans-serif;margin:1.5em;color:#212121}"
	"h1{margin-bottom:.2em}h2{margin-top:1.6em;border-bottom:1px solid #ccc}"
	".verdict{display:inline-block;font-size:2em;font-weight:bold;padding:.2em .8em;"
	"border-radius:.3em;color:#fff}.PASS{background:#2e7d32}.FAIL{background:#c62828}"
	"table{border-collapse:collapse;font-size:.85em;margin:.5em 0}"
	"th,td{border:1px solid #bbb;padding:.25em .5em;text-align:left;vertical-align:top}"
	"th{background:#eceff1;cursor:pointer;user-select:none}th.asc:after{content:' \\25B2'}"
	"th.desc:after{content:' \\25BC'}tr.bad td{background:#ffebee}"
	".note{color:#555}.drawing{border:1px solid #ccc;padding:.5em;overflow:auto}"
	".drawing svg{max-width:100%;height:auto}.tw{overflow-x:auto}"
	".legend span{display:inline-block;margin-right:1.5em}"
	".sw{display:inline-block;width:2em;height:.3em;vertical-align:middle;margin-right:.4em}"
	"ul.reasons li{font-family:monospace}";

/* Sorts a table by the clicked column: numbers numerically, else text. */
static const char html_script[] =
	"(function(){\n"
	"function key(td){var t=td.textContent.trim();var n=Number(t);"
	"return t!==''&&!isNaN(n)?{n:true,v:n}:{n:false,v:t.toLowerCase()};}\n"
	"function sortBy(th){var tr=th.parentNode,idx=Array.prototype.indexOf.call(tr.children,th);"
	"var tbody=th.closest('table').tBodies[0];var rows=Array.prototype.slice.call(tbody.rows);"
	"var asc=!th.classList.contains('asc');"
	"Array.prototype.forEach.call(tr.children,function(h){h.classList.remove('asc','desc');});"
	"th.classList.add(asc?'asc':'desc');"
	"rows.sort(function(a,b){var x=key(a.cells[idx]),y=key(b.cells[idx]);var r;"
	"if(x.n&&y.n)r=x.v-y.v;else r=String(x.v).localeCompare(String(y.v));return asc?r:-r;});"
	"rows.forEach(function(r){tbody.appendChild(r);});}\n"
	"document.querySelectorAll('table.sortable th').forEach(function(th){"
	"th.addEventListener('click',function(){sortBy(th);});});\n"
	"})();\n";

static void write_html(FILE *fp, struct json_object *rep, struct tab *tabs, unsigned nt,
		       struct tab *ev, const char *svg)
{
	const char *verdict = gs(rep, "verdict");
	const char *site = gs(get(rep, "policy"), "site");
	struct json_object *reasons = get(rep, "reasons"), *warnings = get(rep, "warnings");
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>", fp);
	fputs("SAT report: ", fp);
	out_html_puts(fp, site);
	fprintf(fp, "</title>\n<style>%s</style>\n</head>\n<body>\n", html_style);
	fputs("<h1>Site acceptance test: ", fp);
	out_html_puts(fp, site);
	fputs("</h1>\n<p>Verdict: <span id=\"verdict\" class=\"verdict ", fp);
	out_html_puts(fp, verdict);
	fputs("\">", fp);
	out_html_puts(fp, verdict);
	fputs("</span></p>\n", fp);
	struct json_object *sum = get(rep, "summary");
	fprintf(fp, "<p>%lld flows, %lld operations; %lld of %lld allow-rules exercised; %lld "
		    "observed entries not approved; %lld unknown assets; %lld remote-access "
		    "sessions; %lld distinct alerts.</p>\n",
		gi(sum, "flows"), gi(sum, "operations"), gi(sum, "allow_rules_exercised"),
		gi(sum, "allow_rules"), gi(sum, "not_approved"), gi(sum, "unknown_assets"),
		gi(sum, "remote_sessions"), gi(sum, "alerts"));
	fprintf(fp, "<h2 id=\"reasons\">Reasons (%zu)</h2>\n", alen(reasons));
	if (alen(reasons)) {
		fputs("<ul class=\"reasons\">\n", fp);
		for (size_t i = 0; i < alen(reasons); i++) {
			fputs("<li>", fp);
			out_html_puts(fp, json_object_get_string(aget(reasons, i)));
			fputs("</li>\n", fp);
		}
		fputs("</ul>\n", fp);
	} else {
		fputs("<p>None: nothing fails the SAT.</p>\n", fp);
	}
	fprintf(fp, "<h2 id=\"warnings\">Warnings (%zu)</h2>\n", alen(warnings));
	if (alen(warnings)) {
		fputs("<ul class=\"reasons\">\n", fp);
		for (size_t i = 0; i < alen(warnings); i++) {
			fputs("<li>", fp);
			out_html_puts(fp, json_object_get_string(aget(warnings, i)));
			fputs("</li>\n", fp);
		}
		fputs("</ul>\n", fp);
	} else {
		fputs("<p>None.</p>\n", fp);
	}
	fputs("<h2 id=\"drawing\">Zones and conduits with the observed traffic</h2>\n", fp);
	fputs("<p class=\"legend\"><span><i class=\"sw\" style=\"background:#2e7d32\"></i>approved "
	      "conduit, exercised</span><span><i class=\"sw\" style=\"background:#9e9e9e\"></i>"
	      "approved conduit, never exercised (dashed)</span><span><i class=\"sw\" "
	      "style=\"background:#c62828\"></i>observed, not approved</span><span><i class=\"sw\" "
	      "style=\"background:#1565c0\"></i>approved remote access</span></p>\n", fp);
	fputs("<div class=\"drawing\">\n", fp);
	if (svg)
		fputs(svg, fp);
	else
		fputs("<p>(Graphviz could not lay out the drawing.)</p>", fp);
	fputs("</div>\n", fp);
	for (unsigned i = 0; i < nt; i++)
		html_table(fp, &tabs[i]);
	html_table(fp, ev);
	fprintf(fp, "<script>\n%s</script>\n</body>\n</html>\n", html_script);
}

static void write_md(FILE *fp, struct json_object *rep, struct tab *tabs, unsigned nt,
		     struct tab *ev)
{
	struct json_object *reasons = get(rep, "reasons"), *warnings = get(rep, "warnings");
	struct json_object *sum = get(rep, "summary");
	fputs("# Site acceptance test: ", fp);
	out_md_puts(fp, gs(get(rep, "policy"), "site"));
	fputs("\n\n**Verdict: ", fp);
	out_md_puts(fp, gs(rep, "verdict"));
	fputs("**\n\n", fp);
	fprintf(fp, "%lld flows, %lld operations; %lld of %lld allow-rules exercised; %lld "
		    "observed entries not approved; %lld unknown assets; %lld remote-access "
		    "sessions; %lld distinct alerts.\n",
		gi(sum, "flows"), gi(sum, "operations"), gi(sum, "allow_rules_exercised"),
		gi(sum, "allow_rules"), gi(sum, "not_approved"), gi(sum, "unknown_assets"),
		gi(sum, "remote_sessions"), gi(sum, "alerts"));
	fprintf(fp, "\n## Reasons (%zu)\n\n", alen(reasons));
	for (size_t i = 0; i < alen(reasons); i++) {
		fputs("- ", fp);
		out_md_puts(fp, json_object_get_string(aget(reasons, i)));
		fputc('\n', fp);
	}
	if (!alen(reasons))
		fputs("None: nothing fails the SAT.\n", fp);
	fprintf(fp, "\n## Warnings (%zu)\n\n", alen(warnings));
	for (size_t i = 0; i < alen(warnings); i++) {
		fputs("- ", fp);
		out_md_puts(fp, json_object_get_string(aget(warnings, i)));
		fputc('\n', fp);
	}
	if (!alen(warnings))
		fputs("None.\n", fp);
	md_table(fp, ev);
	for (unsigned i = 0; i < nt; i++)
		md_table(fp, &tabs[i]);
}

int out_report_write(FILE *fp, struct json_object *rep, enum out_report_fmt fmt)
{
	int rc = 0;
	if (fmt == OUT_REPORT_JSON) {
		fputs(json_object_to_json_string_ext(rep, JSON_C_TO_STRING_PRETTY |
								  JSON_C_TO_STRING_SPACED |
								  JSON_C_TO_STRING_NOSLASHESCAPE),
		      fp);
		fputc('\n', fp);
	} else {
		struct tab tabs[8], ev;
		unsigned nt = build_tables(rep, tabs, 8);
		evidence(rep, &ev);
		if (fmt == OUT_REPORT_MARKDOWN) {
			write_md(fp, rep, tabs, nt, &ev);
		} else {
			char *svg = out_report_svg(rep);
			if (!svg)
				rc = -1;
			write_html(fp, rep, tabs, nt, &ev, svg);
			free(svg);
		}
		for (unsigned i = 0; i < nt; i++)
			tab_free(&tabs[i]);
		tab_free(&ev);
	}
	if (fflush(fp) != 0 || ferror(fp))
		rc = -1;
	return rc;
}
