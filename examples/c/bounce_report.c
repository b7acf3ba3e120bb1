/*
 * bounce_report: read one whole bounce email (a file, or stdin) and print one tab-separated
 * line per recipient: what kind of message it is, who failed, and what to do about it. A
 * starting point for a mail daemon or a bounce processor that links libsmtpcode.
 *
 *     cc -std=c99 -o bounce_report bounce_report.c $(pkg-config --cflags --libs smtpcode)
 *     ./bounce_report bounce.eml          # or: ./bounce_report < bounce.eml
 *
 * Columns (a header line first; an empty field means "none"):
 *
 *     kind format recipient dsn_action status command code enhanced outcome bounce reason
 *     action retry provider rule
 *
 * A message without recipients (an ordinary message, a complaint that names nobody) prints
 * one line with only its kind and format. What was wrong with the message goes to stderr. Exit
 * status: 0 when the message was read, 1 when it is not a message, 2 on a usage or I/O error.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <smtpcode.h>

/* The bytes of a stream, in a heap buffer (NULL on error). */
static char *read_all(FILE *f, size_t *len) {
    char *buf = NULL;
    size_t cap = 0, n = 0;
    for (;;) {
        size_t got;
        if (n == cap) {
            char *bigger;
            cap = cap ? cap * 2 : 65536;
            bigger = realloc(buf, cap);
            if (!bigger) {
                free(buf);
                return NULL;
            }
            buf = bigger;
        }
        got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0) {
            break;
        }
    }
    if (ferror(f)) {
        free(buf);
        return NULL;
    }
    *len = n;
    return buf;
}

/* A report string as one TSV field: tabs and line ends (and NULs) become spaces. */
static void put_field(const char *s, size_t len) {
    size_t i;
    for (i = 0; s && i < len; i++) {
        char c = s[i];
        putchar(c == '\t' || c == '\n' || c == '\r' || c == '\0' ? ' ' : c);
    }
}

/* A static NUL-terminated string, or nothing for NULL. */
static void put_str(const char *s) {
    if (s) {
        fputs(s, stdout);
    }
}

static void put_recipient(const smtpcode_bounce_info *info, const smtpcode_bounce_recipient *r) {
    const smtpcode_classification *c = r ? &r->classification : NULL;
    printf("%s\t%s\t", smtpcode_bounce_kind_str(info->kind),
           smtpcode_bounce_format_str(info->format));
    if (r) {
        put_field(r->recipient, r->recipient_len);
        putchar('\t');
        put_str(smtpcode_dsn_action_str(r->dsn_action)); /* NULL for SMTPCODE_NO_DSN_ACTION */
        putchar('\t');
        if (r->has_status) {
            printf("%u.%u.%u", (unsigned)r->status_class, (unsigned)r->status_subject,
                   (unsigned)r->status_detail);
        }
        putchar('\t');
        /* The command given by the MTA, else the one the diagnostic names (NULL: none). */
        put_str(smtpcode_command_str(c->command));
        putchar('\t');
        if (c->code) {
            printf("%u", (unsigned)c->code);
        }
        putchar('\t');
        if (c->has_enhanced) {
            printf("%u.%u.%u", (unsigned)c->enhanced_class, (unsigned)c->enhanced_subject,
                   (unsigned)c->enhanced_detail);
        }
        printf("\t%s\t%s\t%s\t%s\t%s\t", smtpcode_outcome_str(c->outcome),
               smtpcode_bounce_str(c->bounce), smtpcode_reason_str(c->reason),
               smtpcode_action_str(c->action),
               c->has_retry ? (c->retry ? "true" : "false") : "");
        put_str(c->provider);
        printf("\t%s\n", c->rule);
    } else {
        /* No recipient: nothing was classified. */
        printf("\t\t\t\t\t\t\t\t\t\t\t\t\n");
    }
}

int main(int argc, char **argv) {
    FILE *in = stdin;
    char *raw;
    size_t len = 0, i;
    smtpcode_bounce_report *report = NULL;
    smtpcode_bounce_info info;
    smtpcode_bounce_recipient r;
    smtpcode_status st;

    if (argc > 2) {
        fprintf(stderr, "usage: %s [FILE]\n", argv[0]);
        return 2;
    }
    if (argc == 2 && !(in = fopen(argv[1], "rb"))) {
        perror(argv[1]);
        return 2;
    }
    raw = read_all(in, &len);
    if (in != stdin) {
        fclose(in);
    }
    if (!raw) {
        fprintf(stderr, "%s: cannot read the message\n", argc == 2 ? argv[1] : "stdin");
        return 2;
    }

    st = smtpcode_bounce_parse(raw, len, &report);
    free(raw); /* the report keeps its own copies of what it needs */
    if (st != SMTPCODE_STATUS_OK) {
        fprintf(stderr, "%s\n", smtpcode_status_str(st));
        return st == SMTPCODE_STATUS_NULL_ARGUMENT ? 2 : 1;
    }

    smtpcode_bounce_report_info(report, &info);
    puts("kind\tformat\trecipient\tdsn_action\tstatus\tcommand\tcode\tenhanced\toutcome\tbounce"
         "\treason\taction\tretry\tprovider\trule");
    for (i = 0; smtpcode_bounce_report_recipient(report, i, &r) == SMTPCODE_STATUS_OK; i++) {
        put_recipient(&info, &r);
    }
    if (info.recipient_count == 0) {
        put_recipient(&info, NULL);
    }
    for (i = 0; i < info.problem_count; i++) {
        const char *problem;
        size_t problem_len;
        if (smtpcode_bounce_report_problem(report, i, &problem, &problem_len) ==
            SMTPCODE_STATUS_OK) {
            fprintf(stderr, "problem: %.*s\n", (int)problem_len, problem);
        }
    }
    smtpcode_bounce_report_free(report);
    return 0;
}
