/*
 * The C test suite of libsmtpcode, in the style of rure's ctest: one function per concern,
 * each run by run_test() and reported as PASSED or FAILED, then one closing line
 * "smtpcode-c: N passed, N failed". Exit status 0 only when every test passed.
 *
 * Compiled with -std=c99 -Wall -Wextra -pedantic -Werror against include/smtpcode.h, and
 * linked against the static library, the shared library, under AddressSanitizer +
 * UndefinedBehaviorSanitizer, and run under valgrind memcheck (tests/c/run.sh).
 *
 * golden_cases.h is generated at build time from the tests/data TSV files by tests/c/gen_cases.py;
 * it also gives the paths of the user rule file and of the bounce fixtures (tests/data/bounces).
 *
 * Every input is handed to the library in a heap buffer of exactly its length (no NUL after
 * it), so valgrind catches any read past `len`.
 */
#define _POSIX_C_SOURCE 200809L

#include <dirent.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smtpcode.h"
#include "golden_cases.h"

/* ---- harness ----------------------------------------------------------------------- */

static int check_failures;

#define CHECK(cond)                                                                     \
    do {                                                                                \
        if (!(cond)) {                                                                  \
            printf("  %s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);          \
            check_failures++;                                                           \
        }                                                                               \
    } while (0)

static void run_test(void (*test)(void), const char *name, int *passed, int *failed) {
    int before = check_failures;
    test();
    if (check_failures == before) {
        printf("PASSED: %s\n", name);
        (*passed)++;
    } else {
        printf("FAILED: %s (%d failed checks)\n", name, check_failures - before);
        (*failed)++;
    }
    fflush(stdout);
}

/* A heap copy of exactly `len` bytes (no terminator), so that over-reads are caught. */
static char *dup_exact(const char *data, size_t len) {
    char *p = malloc(len ? len : 1);
    if (!p) {
        fprintf(stderr, "out of memory\n");
        exit(2);
    }
    if (len) {
        memcpy(p, data, len);
    }
    return p;
}

static smtpcode_status classify_bytes(const char *data, size_t len, uint32_t command,
                                      smtpcode_classification *out) {
    char *buf = dup_exact(data, len);
    smtpcode_status st = smtpcode_classify(buf, len, command, out);
    free(buf);
    return st;
}

static smtpcode_status classify_str(const char *s, uint32_t command,
                                    smtpcode_classification *out) {
    return classify_bytes(s, strlen(s), command, out);
}

static int streq(const char *a, const char *b) {
    return a && b && strcmp(a, b) == 0;
}

/* Equal strings, where NULL stands for "none". */
static int same_opt(const char *want, const char *got) {
    if (!want || !got) {
        return want == got;
    }
    return strcmp(want, got) == 0;
}

/* The number of values of an enum, from its name function (which returns NULL past the end). */
static uint32_t count_names(const char *(*name)(uint32_t)) {
    uint32_t n = 0;
    while (name(n)) {
        n++;
    }
    return n;
}

/* The integer whose name (by the function `name_of`) is `name`, or UINT32_MAX. */
static uint32_t value_by_name(const char *(*name_of)(uint32_t), const char *name) {
    uint32_t i;
    for (i = 0; name_of(i); i++) {
        if (strcmp(name_of(i), name) == 0) {
            return i;
        }
    }
    return UINT32_MAX;
}

/* The integer of a command name, or SMTPCODE_NO_COMMAND (UINT32_MAX) when unknown. */
static uint32_t command_by_name(const char *name) {
    return value_by_name(smtpcode_command_str, name);
}

/* The fields of two classifications are equal (padding bytes are not compared). */
static int same_classification(const smtpcode_classification *a,
                               const smtpcode_classification *b) {
    return a->code == b->code && a->has_enhanced == b->has_enhanced &&
           a->enhanced_class == b->enhanced_class &&
           a->enhanced_subject == b->enhanced_subject &&
           a->enhanced_detail == b->enhanced_detail && a->outcome == b->outcome &&
           a->outcome_inferred == b->outcome_inferred && a->bounce == b->bounce &&
           a->reason == b->reason && a->action == b->action && a->retry == b->retry &&
           a->has_retry == b->has_retry &&
           a->provider == b->provider && a->provider_index == b->provider_index &&
           a->provider_code == b->provider_code && a->command == b->command &&
           a->basis == b->basis && a->rule == b->rule && a->explanation == b->explanation &&
           a->fix == b->fix && a->nonstandard_code == b->nonstandard_code &&
           a->class_mismatch == b->class_mismatch;
}

/* Every field holds a valid value: enums in range, strings present where promised. */
static int valid_classification(const smtpcode_classification *c) {
    return smtpcode_outcome_str(c->outcome) && smtpcode_bounce_str(c->bounce) &&
           smtpcode_reason_str(c->reason) && smtpcode_action_str(c->action) &&
           smtpcode_basis_str(c->basis) &&
           (c->command == SMTPCODE_NO_COMMAND || smtpcode_command_str(c->command)) &&
           c->rule && c->explanation && c->fix &&
           (c->code == 0 || (c->code >= 200 && c->code <= 599)) &&
           (c->has_enhanced ? (c->enhanced_class == 2 || c->enhanced_class == 4 ||
                               c->enhanced_class == 5)
                            : (c->enhanced_class == 0 && c->enhanced_subject == 0 &&
                               c->enhanced_detail == 0)) &&
           ((c->provider == NULL) == (c->provider_index == SMTPCODE_NO_PROVIDER)) &&
           (c->has_retry || !c->retry);
}

/* The fields whose `got` value is not the `want` value of a golden case, printed; their
 * number. */
static int differences(const char *file, int line, const char *const *names,
                       const char *const *want, const char *const *got, int n,
                       const char *rule) {
    int k, bad = 0;
    for (k = 0; k < n; k++) {
        if (!same_opt(want[k], got[k])) {
            printf("  %s:%d: %s: want %s, got %s (rule %s)\n", file, line, names[k],
                   want[k] ? want[k] : "-", got[k] ? got[k] : "-", rule);
            bad++;
        }
    }
    return bad;
}

/* ---- tests ------------------------------------------------------------------------- */

static void test_version(void) {
    char numbers[64];
    const char *v = smtpcode_version();
    CHECK(v != NULL);
    CHECK(streq(v, SMTPCODE_VERSION));
    snprintf(numbers, sizeof numbers, "%d.%d.%d", SMTPCODE_VERSION_MAJOR,
             SMTPCODE_VERSION_MINOR, SMTPCODE_VERSION_PATCH);
    CHECK(strncmp(SMTPCODE_VERSION, numbers, strlen(numbers)) == 0);
}

static void test_status_str(void) {
    uint32_t s;
    const smtpcode_status all[] = {
        SMTPCODE_STATUS_OK,          SMTPCODE_STATUS_NULL_ARGUMENT,
        SMTPCODE_STATUS_INVALID_ARGUMENT, SMTPCODE_STATUS_NOT_FOUND,
        SMTPCODE_STATUS_EMPTY_INPUT, SMTPCODE_STATUS_NO_CODE,
        SMTPCODE_STATUS_PANIC,       SMTPCODE_STATUS_BAD_RULES,
        SMTPCODE_STATUS_NOT_A_MESSAGE,
    };
    CHECK(SMTPCODE_STATUS_OK == 0);
    for (s = 0; s < sizeof all / sizeof all[0]; s++) {
        const char *text = smtpcode_status_str(all[s]);
        CHECK(text != NULL && text[0] != '\0');
        CHECK(!streq(text, "unknown status"));
        if (s > 0) {
            CHECK(!streq(text, smtpcode_status_str(all[s - 1])));
        }
    }
    CHECK(streq(smtpcode_status_str(SMTPCODE_STATUS_OK), "ok"));
    CHECK(streq(smtpcode_status_str(SMTPCODE_STATUS_NOT_A_MESSAGE + 1), "unknown status"));
    CHECK(streq(smtpcode_status_str(UINT32_MAX), "unknown status"));
}

static void check_names(const char *(*name)(uint32_t), uint32_t last_constant) {
    uint32_t n = count_names(name), i, j;
    CHECK(n == last_constant + 1);
    for (i = 0; i < n; i++) {
        CHECK(name(i)[0] != '\0');
        for (j = 0; j < i; j++) {
            CHECK(strcmp(name(i), name(j)) != 0);
        }
    }
    CHECK(name(n) == NULL);
    CHECK(name(n + 1000) == NULL);
    CHECK(name(UINT32_MAX) == NULL);
}

static void test_enum_names(void) {
    /* The last constant of each enum in the header: the name functions cover exactly the
     * header's values. */
    check_names(smtpcode_outcome_str, SMTPCODE_OUTCOME_UNKNOWN);
    check_names(smtpcode_bounce_str, SMTPCODE_BOUNCE_UNKNOWN);
    check_names(smtpcode_reason_str, SMTPCODE_REASON_NONE);
    check_names(smtpcode_action_str, SMTPCODE_ACTION_CHECK_ROUTING);
    check_names(smtpcode_command_str, SMTPCODE_COMMAND_END_OF_DATA);
    check_names(smtpcode_basis_str, SMTPCODE_BASIS_DSN_ACTION);
    check_names(smtpcode_code_status_str, SMTPCODE_CODE_STATUS_NOT_SMTP);

    CHECK(streq(smtpcode_outcome_str(SMTPCODE_OUTCOME_PERMANENT), "permanent"));
    CHECK(streq(smtpcode_bounce_str(SMTPCODE_BOUNCE_HARD), "hard"));
    CHECK(streq(smtpcode_reason_str(SMTPCODE_REASON_MAILBOX_UNKNOWN), "mailbox_unknown"));
    CHECK(streq(smtpcode_reason_str(SMTPCODE_REASON_NONE), "none"));
    CHECK(streq(smtpcode_action_str(SMTPCODE_ACTION_SLOW_DOWN), "slow_down"));
    CHECK(streq(smtpcode_command_str(SMTPCODE_COMMAND_END_OF_DATA), "end_of_data"));
    CHECK(streq(smtpcode_command_str(SMTPCODE_COMMAND_RCPT), "rcpt"));
    CHECK(streq(smtpcode_basis_str(SMTPCODE_BASIS_ENHANCED_CODE), "enhanced_code"));
    CHECK(streq(smtpcode_code_status_str(SMTPCODE_CODE_STATUS_NOT_SMTP), "not_smtp"));
    CHECK(smtpcode_command_str(SMTPCODE_NO_COMMAND) == NULL);
    CHECK(smtpcode_reason_str(SMTPCODE_NO_REASON) == NULL);
}

/* The golden classify cases: the C answer is the answer the golden files expect. */
static void test_golden_classify(void) {
    const golden_classify *g;
    int cases = 0, bad = 0;
    for (g = GOLDEN_CLASSIFY; g->file; g++) {
        smtpcode_classification c;
        char code[16], enhanced[32];
        const char *got[9];
        const char *want[9];
        const char *names[9] = {"code",   "enhanced", "outcome",  "bounce",       "reason",
                                "action", "retry",    "provider", "provider_code"};
        uint32_t command = SMTPCODE_NO_COMMAND;
        smtpcode_status st;
        cases++;
        if (g->command) {
            command = command_by_name(g->command);
            if (command == SMTPCODE_NO_COMMAND) {
                printf("  %s:%d: unknown command %s\n", g->file, g->line, g->command);
                bad++;
                continue;
            }
        }
        st = classify_bytes(g->input, g->input_len, command, &c);
        if (st != SMTPCODE_STATUS_OK) {
            printf("  %s:%d: status %s\n", g->file, g->line, smtpcode_status_str(st));
            bad++;
            continue;
        }
        snprintf(code, sizeof code, "%u", (unsigned)c.code);
        snprintf(enhanced, sizeof enhanced, "%u.%u.%u", (unsigned)c.enhanced_class,
                 (unsigned)c.enhanced_subject, (unsigned)c.enhanced_detail);
        got[0] = c.code ? code : NULL;
        got[1] = c.has_enhanced ? enhanced : NULL;
        got[2] = smtpcode_outcome_str(c.outcome);
        got[3] = smtpcode_bounce_str(c.bounce);
        got[4] = smtpcode_reason_str(c.reason);
        got[5] = smtpcode_action_str(c.action);
        got[6] = c.has_retry ? (c.retry ? "true" : "false") : NULL;
        got[7] = c.provider;
        got[8] = c.provider_code;
        want[0] = g->code;
        want[1] = g->enhanced;
        want[2] = g->outcome;
        want[3] = g->bounce;
        want[4] = g->reason;
        want[5] = g->action;
        want[6] = g->retry;
        want[7] = g->provider;
        want[8] = g->provider_code;
        bad += differences(g->file, g->line, names, want, got, 9, c.rule);
        if (!valid_classification(&c)) {
            printf("  %s:%d: a field is out of range\n", g->file, g->line);
            bad++;
        }
        if (g->command && c.command != command) {
            printf("  %s:%d: command %u not echoed\n", g->file, g->line, command);
            bad++;
        }
    }
    printf("  %d golden classify cases\n", cases);
    CHECK(cases > 0);
    CHECK(bad == 0);
}

/* The golden parse cases: status, code, enhanced code and text. */
static void test_golden_parse(void) {
    const golden_parse *g;
    int cases = 0, bad = 0;
    for (g = GOLDEN_PARSE; g->file; g++) {
        smtpcode_reply r;
        char *buf = dup_exact(g->input, g->input_len);
        smtpcode_status st = smtpcode_parse(buf, g->input_len, &r);
        const char *want_status = g->error ? g->error : "ok";
        const char *got_status = st == SMTPCODE_STATUS_OK            ? "ok"
                                 : st == SMTPCODE_STATUS_EMPTY_INPUT ? "empty"
                                 : st == SMTPCODE_STATUS_NO_CODE     ? "no_code"
                                                                     : "other";
        cases++;
        if (!streq(want_status, got_status)) {
            printf("  %s:%d: status: want %s, got %s\n", g->file, g->line,
                    want_status, got_status);
            bad++;
        } else if (st == SMTPCODE_STATUS_OK) {
            char code[16], enhanced[32];
            snprintf(code, sizeof code, "%u", (unsigned)r.code);
            snprintf(enhanced, sizeof enhanced, "%u.%u.%u", (unsigned)r.enhanced_class,
                     (unsigned)r.enhanced_subject, (unsigned)r.enhanced_detail);
            if (!same_opt(g->code, r.code ? code : NULL)) {
                printf("  %s:%d: code: want %s, got %s\n", g->file, g->line,
                        g->code ? g->code : "-", code);
                bad++;
            }
            if (!same_opt(g->enhanced, r.has_enhanced ? enhanced : NULL)) {
                printf("  %s:%d: enhanced: want %s, got %s\n", g->file, g->line,
                        g->enhanced ? g->enhanced : "-", r.has_enhanced ? enhanced : "-");
                bad++;
            }
            if (r.text_offset > g->input_len || r.text_len > g->input_len - r.text_offset ||
                r.prefix_offset > g->input_len ||
                r.prefix_len > g->input_len - r.prefix_offset) {
                printf("  %s:%d: text or prefix outside the input\n", g->file,
                        g->line);
                bad++;
            } else if (!g->text || g->text_len != r.text_len ||
                       (r.text_len && memcmp(g->text, buf + r.text_offset, r.text_len) != 0)) {
                printf("  %s:%d: text: want %.*s, got %.*s\n", g->file, g->line,
                        (int)g->text_len, g->text ? g->text : "-", (int)r.text_len,
                        buf + r.text_offset);
                bad++;
            }
        }
        free(buf);
    }
    printf("  %d golden parse cases\n", cases);
    CHECK(cases > 0);
    CHECK(bad == 0);
}

static void test_classify_fields(void) {
    smtpcode_classification c, d;
    smtpcode_code_info info;
    smtpcode_provider_info p;
    const golden_classify *g;

    CHECK(classify_str("550 5.1.1 <a@example.com>: Recipient address rejected: User unknown",
                       SMTPCODE_NO_COMMAND, &c) == SMTPCODE_STATUS_OK);
    CHECK(c.code == 550);
    CHECK(c.has_enhanced && c.enhanced_class == 5 && c.enhanced_subject == 1 &&
          c.enhanced_detail == 1);
    CHECK(c.outcome == SMTPCODE_OUTCOME_PERMANENT);
    CHECK(!c.outcome_inferred);
    CHECK(c.bounce == SMTPCODE_BOUNCE_HARD);
    CHECK(c.reason == SMTPCODE_REASON_MAILBOX_UNKNOWN);
    CHECK(c.action == SMTPCODE_ACTION_SUPPRESS);
    CHECK(c.has_retry && !c.retry);
    CHECK(c.rule && c.rule[0] && c.explanation && c.explanation[0] && c.fix && c.fix[0]);
    CHECK(!c.nonstandard_code && !c.class_mismatch);
    CHECK(valid_classification(&c));

    /* The command given is reported back; a valid command is accepted. */
    CHECK(classify_str("550 5.1.1 User unknown", SMTPCODE_COMMAND_END_OF_DATA, &d) ==
          SMTPCODE_STATUS_OK);
    CHECK(d.command == SMTPCODE_COMMAND_END_OF_DATA);
    CHECK(valid_classification(&d));

    /* A command named in the text is reported when none is given. */
    CHECK(classify_str("host mx.example.com[192.0.2.1] said: 550 5.1.1 <a@b.c>: User unknown "
                       "(in reply to RCPT TO command)",
                       SMTPCODE_NO_COMMAND, &d) == SMTPCODE_STATUS_OK);
    CHECK(d.command == SMTPCODE_COMMAND_RCPT);

    /* The flags. */
    CHECK(classify_str("571 No PTR Record found", SMTPCODE_NO_COMMAND, &d) ==
          SMTPCODE_STATUS_OK);
    CHECK(d.code == 571 && d.nonstandard_code);
    CHECK(classify_str("550 4.4.7 QUEUE.Expired; message expired", SMTPCODE_NO_COMMAND, &d) ==
          SMTPCODE_STATUS_OK);
    CHECK(d.code == 550 && d.enhanced_class == 4 && d.class_mismatch);
    CHECK(d.outcome == SMTPCODE_OUTCOME_PERMANENT);

    /* A code's classification and its table row agree on the code. */
    CHECK(smtpcode_lookup(c.code, &info) == SMTPCODE_STATUS_OK);
    CHECK(info.code == c.code);

    /* Every provider a golden case names is in the provider table, at provider_index. */
    for (g = GOLDEN_CLASSIFY; g->file; g++) {
        uint32_t command = g->command ? command_by_name(g->command) : SMTPCODE_NO_COMMAND;
        if (!g->provider) {
            continue;
        }
        CHECK(classify_bytes(g->input, g->input_len, command, &d) == SMTPCODE_STATUS_OK);
        if (d.provider_index == SMTPCODE_NO_PROVIDER) {
            continue; /* reported by test_golden_classify */
        }
        CHECK(smtpcode_provider_at(d.provider_index, &p) == SMTPCODE_STATUS_OK);
        CHECK(p.index == d.provider_index);
        CHECK(p.name == d.provider);
    }
}

static void test_empty_input(void) {
    smtpcode_classification a, b;
    smtpcode_reply r;
    const char *spaces = " \t\r\n ";
    const char nuls[3] = {0, 0, 0};
    char *empty = dup_exact("", 0);

    /* NULL with len 0 is the empty input, the same as a real pointer with len 0. */
    CHECK(smtpcode_classify(NULL, 0, SMTPCODE_NO_COMMAND, &a) == SMTPCODE_STATUS_OK);
    CHECK(smtpcode_classify(empty, 0, SMTPCODE_NO_COMMAND, &b) == SMTPCODE_STATUS_OK);
    CHECK(same_classification(&a, &b));
    CHECK(a.code == 0 && !a.has_enhanced);
    CHECK(a.bounce == SMTPCODE_BOUNCE_UNKNOWN && a.action == SMTPCODE_ACTION_NONE && !a.has_retry &&
          !a.retry);
    CHECK(a.provider == NULL && a.provider_code == NULL);
    CHECK(valid_classification(&a));

    CHECK(smtpcode_parse(NULL, 0, &r) == SMTPCODE_STATUS_EMPTY_INPUT);
    CHECK(smtpcode_parse(empty, 0, &r) == SMTPCODE_STATUS_EMPTY_INPUT);
    CHECK(classify_str(spaces, SMTPCODE_NO_COMMAND, &b) == SMTPCODE_STATUS_OK);
    CHECK(b.code == 0 && b.bounce == SMTPCODE_BOUNCE_UNKNOWN && !b.has_retry);

    /* NUL bytes are input like any other (and count as white space). */
    CHECK(classify_bytes(nuls, sizeof nuls, SMTPCODE_NO_COMMAND, &b) == SMTPCODE_STATUS_OK);
    CHECK(b.code == 0);
    free(empty);
    empty = dup_exact(nuls, sizeof nuls);
    CHECK(smtpcode_parse(empty, sizeof nuls, &r) == SMTPCODE_STATUS_EMPTY_INPUT);
    free(empty);

    /* A NUL inside the input does not end it: the code after it is found. */
    {
        const char with_nul[] = "\0 550 5.1.1 no such user";
        char *buf = dup_exact(with_nul, sizeof with_nul - 1);
        CHECK(smtpcode_parse(buf, sizeof with_nul - 1, &r) == SMTPCODE_STATUS_OK);
        CHECK(r.code == 550 && r.has_enhanced);
        free(buf);
    }

    /* Text without a code: parse says so, classify still classifies. */
    {
        const char *text = "connection refused by 192.0.2.1";
        char *buf = dup_exact(text, strlen(text));
        CHECK(smtpcode_parse(buf, strlen(text), &r) == SMTPCODE_STATUS_NO_CODE);
        CHECK(smtpcode_classify(buf, strlen(text), SMTPCODE_NO_COMMAND, &a) ==
              SMTPCODE_STATUS_OK);
        CHECK(a.code == 0 && valid_classification(&a));
        free(buf);
    }
}

static void test_non_utf8(void) {
    smtpcode_classification c;
    smtpcode_reply r;
    const char latin1[] = "\xff\xfe 550 5.1.1 caf\xe9 inconnu";
    char all[256];
    char *buf;
    int i;

    CHECK(classify_bytes(latin1, sizeof latin1 - 1, SMTPCODE_NO_COMMAND, &c) ==
          SMTPCODE_STATUS_OK);
    CHECK(c.code == 550 && c.has_enhanced && c.enhanced_subject == 1);
    CHECK(valid_classification(&c));

    buf = dup_exact(latin1, sizeof latin1 - 1);
    CHECK(smtpcode_parse(buf, sizeof latin1 - 1, &r) == SMTPCODE_STATUS_OK);
    CHECK(r.code == 550);
    CHECK(r.text_len == strlen("caf\xe9 inconnu"));
    CHECK(r.text_offset + r.text_len == sizeof latin1 - 1);
    CHECK(memcmp(buf + r.text_offset, "caf\xe9 inconnu", r.text_len) == 0);
    CHECK(r.prefix_len == 2 && r.prefix_offset == 0);
    free(buf);

    /* Every byte value, and every prefix of it. */
    for (i = 0; i < 256; i++) {
        all[i] = (char)(unsigned char)(255 - i);
    }
    for (i = 0; i <= 256; i++) {
        CHECK(classify_bytes(all, (size_t)i, SMTPCODE_NO_COMMAND, &c) == SMTPCODE_STATUS_OK);
        CHECK(valid_classification(&c));
    }
}

/* A byte pattern in an out-parameter, to check that failed calls leave it alone. */
#define POISON(x) memset(&(x), 0xA5, sizeof(x))
static int poisoned(const void *p, size_t n) {
    const unsigned char *b = p;
    size_t i;
    for (i = 0; i < n; i++) {
        if (b[i] != 0xA5) {
            return 0;
        }
    }
    return 1;
}
#define UNTOUCHED(x) poisoned(&(x), sizeof(x))

static void test_null_arguments(void) {
    smtpcode_classification c;
    smtpcode_reply r;
    const char *text = "550 5.1.1 User unknown";
    char *buf = dup_exact(text, strlen(text));

    CHECK(smtpcode_classify(buf, strlen(text), SMTPCODE_NO_COMMAND, NULL) ==
          SMTPCODE_STATUS_NULL_ARGUMENT);
    POISON(c);
    CHECK(smtpcode_classify(NULL, 5, SMTPCODE_NO_COMMAND, &c) == SMTPCODE_STATUS_NULL_ARGUMENT);
    CHECK(UNTOUCHED(c));
    CHECK(smtpcode_classify(NULL, 0, SMTPCODE_NO_COMMAND, NULL) ==
          SMTPCODE_STATUS_NULL_ARGUMENT);

    CHECK(smtpcode_parse(buf, strlen(text), NULL) == SMTPCODE_STATUS_NULL_ARGUMENT);
    POISON(r);
    CHECK(smtpcode_parse(NULL, 5, &r) == SMTPCODE_STATUS_NULL_ARGUMENT);
    CHECK(UNTOUCHED(r));

    CHECK(smtpcode_lookup(550, NULL) == SMTPCODE_STATUS_NULL_ARGUMENT);
    CHECK(smtpcode_code_at(0, NULL) == SMTPCODE_STATUS_NULL_ARGUMENT);
    CHECK(smtpcode_lookup_enhanced(1, 1, NULL) == SMTPCODE_STATUS_NULL_ARGUMENT);
    CHECK(smtpcode_enhanced_at(0, NULL) == SMTPCODE_STATUS_NULL_ARGUMENT);
    CHECK(smtpcode_provider_at(0, NULL) == SMTPCODE_STATUS_NULL_ARGUMENT);
    free(buf);
}

static void test_invalid_arguments(void) {
    smtpcode_classification c;
    const char *text = "550 5.1.1 User unknown";
    char *buf = dup_exact(text, strlen(text));
    uint32_t commands = count_names(smtpcode_command_str);
    uint32_t bad[4];
    size_t i;
    bad[0] = commands;
    bad[1] = commands + 1;
    bad[2] = 1000;
    bad[3] = SMTPCODE_NO_COMMAND - 1;

    CHECK(commands > 0);
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        POISON(c);
        CHECK(smtpcode_classify(buf, strlen(text), bad[i], &c) ==
              SMTPCODE_STATUS_INVALID_ARGUMENT);
        CHECK(UNTOUCHED(c));
    }
    CHECK(smtpcode_classify(buf, strlen(text), commands - 1, &c) == SMTPCODE_STATUS_OK);
    CHECK(c.command == commands - 1);

    /* A length no object can have is refused before anything is read. */
    POISON(c);
    CHECK(smtpcode_classify(buf, SIZE_MAX, SMTPCODE_NO_COMMAND, &c) ==
          SMTPCODE_STATUS_INVALID_ARGUMENT);
    CHECK(smtpcode_classify(buf, (size_t)PTRDIFF_MAX + 1, SMTPCODE_NO_COMMAND, &c) ==
          SMTPCODE_STATUS_INVALID_ARGUMENT);
    CHECK(UNTOUCHED(c));
    free(buf);
}

/* The golden no-reply cases (no-reply.tsv), with the built-in rules alone and through a
 * classifier handle with a site's rules; and the argument checks of both functions. */
static void test_golden_no_reply(void) {
    const golden_no_reply *g;
    int cases = 0, bad = 0;
    smtpcode_classifier *site = NULL;
    smtpcode_classification c;
    /* A site's rules (tests/data/user-rules.tsv) say nothing of these failures. */
    CHECK(smtpcode_classifier_new_from_file(USER_RULES_PATH, strlen(USER_RULES_PATH), NULL, 0,
                                            &site) == SMTPCODE_STATUS_OK);
    for (g = GOLDEN_NO_REPLY; g->line; g++) {
        smtpcode_classification via;
        char code[16];
        const char *got[7];
        const char *want[7];
        const char *names[7] = {"code",   "outcome", "bounce",  "reason",
                                "action", "retry",   "answered"};
        uint32_t failure = value_by_name(smtpcode_no_reply_str, g->failure);
        uint32_t command = g->command ? command_by_name(g->command) : SMTPCODE_NO_COMMAND;
        cases++;
        if (failure == UINT32_MAX || (g->command && command == SMTPCODE_NO_COMMAND)) {
            printf("  no-reply.tsv:%d: unknown failure or command\n", g->line);
            bad++;
            continue;
        }
        if (smtpcode_classify_no_reply(failure, g->input, g->input_len, command, &c) !=
                SMTPCODE_STATUS_OK ||
            smtpcode_classifier_classify_no_reply(site, failure, g->input, g->input_len,
                                                  command, &via) != SMTPCODE_STATUS_OK ||
            !same_classification(&c, &via)) {
            printf("  no-reply.tsv:%d: status, or the handle's answer differs\n", g->line);
            bad++;
            continue;
        }
        snprintf(code, sizeof code, "%u", (unsigned)c.code);
        got[0] = c.code ? code : NULL;
        got[1] = smtpcode_outcome_str(c.outcome);
        got[2] = smtpcode_bounce_str(c.bounce);
        got[3] = smtpcode_reason_str(c.reason);
        got[4] = smtpcode_action_str(c.action);
        got[5] = c.has_retry ? (c.retry ? "true" : "false") : NULL;
        got[6] = c.command == SMTPCODE_NO_COMMAND ? NULL : smtpcode_command_str(c.command);
        want[0] = g->code;
        want[1] = g->outcome;
        want[2] = g->bounce;
        want[3] = g->reason;
        want[4] = g->action;
        want[5] = g->retry;
        want[6] = g->answered;
        bad += differences("no-reply.tsv", g->line, names, want, got, 7, c.rule);
        if (!valid_classification(&c) || !c.outcome_inferred) {
            printf("  no-reply.tsv:%d: a field is out of range or not inferred\n", g->line);
            bad++;
        }
    }
    printf("  %d golden no-reply cases\n", cases);
    CHECK(cases > 0);
    CHECK(bad == 0);

    check_names(smtpcode_no_reply_str, SMTPCODE_NO_REPLY_TLS_FAILED);
    CHECK(streq(smtpcode_no_reply_str(SMTPCODE_NO_REPLY_CONNECTION_REFUSED), "connection_refused"));
    POISON(c);
    CHECK(smtpcode_classify_no_reply(SMTPCODE_NO_REPLY_TLS_FAILED + 1, NULL, 0,
                                     SMTPCODE_NO_COMMAND, &c) == SMTPCODE_STATUS_INVALID_ARGUMENT);
    CHECK(smtpcode_classify_no_reply(SMTPCODE_NO_REPLY_TIMED_OUT, NULL, 0, 1000, &c) ==
          SMTPCODE_STATUS_INVALID_ARGUMENT);
    CHECK(smtpcode_classify_no_reply(SMTPCODE_NO_REPLY_TIMED_OUT, NULL, 5, SMTPCODE_NO_COMMAND,
                                     &c) == SMTPCODE_STATUS_NULL_ARGUMENT);
    CHECK(smtpcode_classifier_classify_no_reply(NULL, SMTPCODE_NO_REPLY_TIMED_OUT, NULL, 0,
                                                SMTPCODE_NO_COMMAND, &c) ==
          SMTPCODE_STATUS_NULL_ARGUMENT);
    CHECK(UNTOUCHED(c));
    CHECK(smtpcode_classify_no_reply(SMTPCODE_NO_REPLY_TIMED_OUT, NULL, 0, SMTPCODE_NO_COMMAND,
                                     NULL) == SMTPCODE_STATUS_NULL_ARGUMENT);
    smtpcode_classifier_free(site);
}

static void test_lookup(void) {
    smtpcode_code_info info, row;
    size_t i, n = smtpcode_code_count();

    CHECK(smtpcode_lookup(550, &info) == SMTPCODE_STATUS_OK);
    CHECK(info.code == 550);
    CHECK(info.name && info.name[0] && info.meaning && info.explanation && info.fix &&
          info.source && info.note);
    CHECK(smtpcode_code_status_str(info.status) != NULL);
    CHECK(info.reason == SMTPCODE_NO_REASON || smtpcode_reason_str(info.reason) != NULL);

    POISON(info);
    CHECK(smtpcode_lookup(299, &info) == SMTPCODE_STATUS_NOT_FOUND);
    CHECK(smtpcode_lookup(0, &info) == SMTPCODE_STATUS_NOT_FOUND);
    CHECK(smtpcode_lookup(70000, &info) == SMTPCODE_STATUS_NOT_FOUND);
    CHECK(smtpcode_lookup(550 + 65536, &info) == SMTPCODE_STATUS_NOT_FOUND); /* no wrap */
    CHECK(smtpcode_lookup(UINT32_MAX, &info) == SMTPCODE_STATUS_NOT_FOUND);
    CHECK(UNTOUCHED(info));

    /* Every row is found again by its code, with the same static strings. */
    for (i = 0; i < n; i++) {
        CHECK(smtpcode_code_at(i, &row) == SMTPCODE_STATUS_OK);
        CHECK(smtpcode_lookup(row.code, &info) == SMTPCODE_STATUS_OK);
        CHECK(info.code == row.code && info.name == row.name &&
              info.explanation == row.explanation && info.fix == row.fix);
    }
}

static void test_lookup_enhanced(void) {
    smtpcode_enhanced_info info, row;
    size_t i, n = smtpcode_enhanced_count();

    CHECK(smtpcode_lookup_enhanced(1, 1, &info) == SMTPCODE_STATUS_OK);
    CHECK(info.subject == 1 && info.detail == 1);
    CHECK(streq(info.code, "X.1.1"));
    CHECK(info.title && info.title[0] && info.meaning && info.basic_codes && info.source);
    CHECK(info.classes & (1u << 5));
    CHECK(info.reason == SMTPCODE_NO_REASON || smtpcode_reason_str(info.reason) != NULL);

    POISON(info);
    CHECK(smtpcode_lookup_enhanced(9, 9, &info) == SMTPCODE_STATUS_NOT_FOUND);
    CHECK(smtpcode_lookup_enhanced(1, 999, &info) == SMTPCODE_STATUS_NOT_FOUND);
    CHECK(smtpcode_lookup_enhanced(1 + 65536, 1, &info) == SMTPCODE_STATUS_NOT_FOUND);
    CHECK(smtpcode_lookup_enhanced(1, 1 + 65536, &info) == SMTPCODE_STATUS_NOT_FOUND);
    CHECK(smtpcode_lookup_enhanced(UINT32_MAX, UINT32_MAX, &info) == SMTPCODE_STATUS_NOT_FOUND);
    /* Issue 11: the registry key was subject * 1000 + detail, so these found X.1.1, X.2.0,
     * X.7.26 and X.7.0. */
    CHECK(smtpcode_lookup_enhanced(0, 1001, &info) == SMTPCODE_STATUS_NOT_FOUND);
    CHECK(smtpcode_lookup_enhanced(1, 1000, &info) == SMTPCODE_STATUS_NOT_FOUND);
    CHECK(smtpcode_lookup_enhanced(0, 7026, &info) == SMTPCODE_STATUS_NOT_FOUND);
    CHECK(smtpcode_lookup_enhanced(5, 2000, &info) == SMTPCODE_STATUS_NOT_FOUND);
    CHECK(UNTOUCHED(info));

    for (i = 0; i < n; i++) {
        char code[32];
        CHECK(smtpcode_enhanced_at(i, &row) == SMTPCODE_STATUS_OK);
        CHECK(smtpcode_lookup_enhanced(row.subject, row.detail, &info) == SMTPCODE_STATUS_OK);
        CHECK(info.code == row.code && info.title == row.title);
        snprintf(code, sizeof code, "X.%u.%u", (unsigned)row.subject, (unsigned)row.detail);
        CHECK(streq(row.code, code));
        CHECK(row.classes != 0 && (row.classes & ~0x34u) == 0);
    }
}

/* Iterates the whole of each table, and checks the ends. */
static void test_tables(void) {
    smtpcode_code_info code;
    smtpcode_enhanced_info enh;
    smtpcode_provider_info p, q;
    size_t i, j, n;
    unsigned prev = 0;

    n = smtpcode_code_count();
    CHECK(n > 0);
    for (i = 0; i < n; i++) {
        CHECK(smtpcode_code_at(i, &code) == SMTPCODE_STATUS_OK);
        CHECK(code.code > prev); /* numeric order, no duplicates */
        prev = code.code;
        CHECK(code.name && code.meaning && code.explanation && code.fix && code.source &&
              code.note);
        CHECK(smtpcode_code_status_str(code.status) != NULL);
        CHECK(code.reason == SMTPCODE_NO_REASON || smtpcode_reason_str(code.reason) != NULL);
    }
    POISON(code);
    CHECK(smtpcode_code_at(n, &code) == SMTPCODE_STATUS_NOT_FOUND);
    CHECK(smtpcode_code_at(SIZE_MAX, &code) == SMTPCODE_STATUS_NOT_FOUND);
    CHECK(UNTOUCHED(code));

    n = smtpcode_enhanced_count();
    CHECK(n > 0);
    for (i = 0; i < n; i++) {
        CHECK(smtpcode_enhanced_at(i, &enh) == SMTPCODE_STATUS_OK);
        CHECK(enh.code && enh.title && enh.meaning && enh.basic_codes && enh.source);
        CHECK(enh.reason == SMTPCODE_NO_REASON || smtpcode_reason_str(enh.reason) != NULL);
    }
    POISON(enh);
    CHECK(smtpcode_enhanced_at(n, &enh) == SMTPCODE_STATUS_NOT_FOUND);
    CHECK(smtpcode_enhanced_at(SIZE_MAX, &enh) == SMTPCODE_STATUS_NOT_FOUND);
    CHECK(UNTOUCHED(enh));

    n = smtpcode_provider_count();
    CHECK(n > 0);
    for (i = 0; i < n; i++) {
        CHECK(smtpcode_provider_at(i, &p) == SMTPCODE_STATUS_OK);
        CHECK(p.index == i);
        CHECK(p.name && p.name[0] && p.display_name && p.display_name[0] && p.source);
        for (j = 0; j < i; j++) {
            CHECK(smtpcode_provider_at(j, &q) == SMTPCODE_STATUS_OK);
            CHECK(strcmp(p.name, q.name) != 0);
        }
    }
    POISON(p);
    CHECK(smtpcode_provider_at(n, &p) == SMTPCODE_STATUS_NOT_FOUND);
    CHECK(smtpcode_provider_at(SIZE_MAX, &p) == SMTPCODE_STATUS_NOT_FOUND);
    CHECK(UNTOUCHED(p));
}

static void test_warm_up(void) {
    CHECK(smtpcode_warm_up() == SMTPCODE_STATUS_OK);
    CHECK(smtpcode_warm_up() == SMTPCODE_STATUS_OK);
}

/* Threads: several threads classify the golden inputs at once and get the answers one
 * thread gets. */
#define THREADS 4
#define THREAD_ROUNDS 3

static size_t golden_count(void) {
    size_t n = 0;
    while (GOLDEN_CLASSIFY[n].file) {
        n++;
    }
    return n;
}

static void *classify_all(void *arg) {
    const smtpcode_classification *expected = arg;
    size_t i, n = golden_count();
    int round;
    long mismatches = 0;
    for (round = 0; round < THREAD_ROUNDS; round++) {
        for (i = 0; i < n; i++) {
            smtpcode_classification c;
            const golden_classify *g = &GOLDEN_CLASSIFY[i];
            uint32_t command = g->command ? command_by_name(g->command) : SMTPCODE_NO_COMMAND;
            if (smtpcode_classify(g->input, g->input_len, command, &c) != SMTPCODE_STATUS_OK ||
                !same_classification(&c, &expected[i])) {
                mismatches++;
            }
        }
    }
    return (void *)(intptr_t)mismatches;
}

static void test_threads(void) {
    size_t i, n = golden_count();
    pthread_t threads[THREADS];
    smtpcode_classification *expected = calloc(n ? n : 1, sizeof *expected);
    int t;
    CHECK(expected != NULL);
    if (!expected) {
        return;
    }
    for (i = 0; i < n; i++) {
        const golden_classify *g = &GOLDEN_CLASSIFY[i];
        uint32_t command = g->command ? command_by_name(g->command) : SMTPCODE_NO_COMMAND;
        CHECK(smtpcode_classify(g->input, g->input_len, command, &expected[i]) ==
              SMTPCODE_STATUS_OK);
    }
    for (t = 0; t < THREADS; t++) {
        CHECK(pthread_create(&threads[t], NULL, classify_all, expected) == 0);
    }
    for (t = 0; t < THREADS; t++) {
        void *mismatches = NULL;
        CHECK(pthread_join(threads[t], &mismatches) == 0);
        CHECK((intptr_t)mismatches == 0);
    }
    free(expected);
}

/* A user's rules: loaded from tests/data/user-rules.tsv, the shared cases classified with
 * them (also from several threads at once on one classifier), bad rules refused with the
 * line and what is wrong, NULL arguments, and the out-parameter left alone on failure. */
static void *classify_user_cases(void *arg) {
    const smtpcode_classifier *c = arg;
    intptr_t mismatches = 0;
    int round;
    for (round = 0; round < 200; round++) {
        const user_rules_case *u;
        for (u = USER_RULES_CASES; u->line; u++) {
            smtpcode_classification out;
            if (smtpcode_classifier_classify(c, u->input, u->input_len, SMTPCODE_NO_COMMAND,
                                             &out) != SMTPCODE_STATUS_OK ||
                !streq(out.rule, u->rule)) {
                mismatches++;
            }
        }
    }
    return (void *)mismatches;
}

static void test_user_rules(void) {
    const char *path = USER_RULES_PATH;
    smtpcode_classifier *c = NULL;
    char err[128];
    const user_rules_case *u;
    pthread_t threads[THREADS];
    int t, cases = 0;
    CHECK(smtpcode_classifier_new_from_file(path, strlen(path), err, sizeof err, &c) ==
          SMTPCODE_STATUS_OK);
    CHECK(c != NULL);
    if (!c) {
        printf("  %s\n", err);
        return;
    }
    for (u = USER_RULES_CASES; u->line; u++) {
        smtpcode_classification out;
        size_t len = u->input_len;
        char *buf = malloc(len ? len : 1);
        CHECK(buf != NULL);
        if (!buf) {
            break;
        }
        memcpy(buf, u->input, len);
        CHECK(smtpcode_classifier_classify(c, buf, len, SMTPCODE_NO_COMMAND, &out) ==
              SMTPCODE_STATUS_OK);
        if (!streq(smtpcode_reason_str(out.reason), u->reason) || !streq(out.rule, u->rule) ||
            !streq(smtpcode_outcome_str(out.outcome), u->outcome)) {
            printf("  user-rules-cases.tsv:%d: got %s %s %s\n", u->line,
                   smtpcode_reason_str(out.reason), out.rule, smtpcode_outcome_str(out.outcome));
            check_failures++;
        }
        free(buf);
        cases++;
    }
    CHECK(cases >= 5);
    for (t = 0; t < THREADS; t++) {
        CHECK(pthread_create(&threads[t], NULL, classify_user_cases, c) == 0);
    }
    for (t = 0; t < THREADS; t++) {
        void *mismatches = NULL;
        CHECK(pthread_join(threads[t], &mismatches) == 0);
        CHECK((intptr_t)mismatches == 0);
    }
    {
        smtpcode_classification out;
        const char *text = "550 5.1.1 user unknown";
        CHECK(smtpcode_classifier_classify(NULL, text, strlen(text), SMTPCODE_NO_COMMAND, &out) ==
              SMTPCODE_STATUS_NULL_ARGUMENT);
        CHECK(smtpcode_classifier_classify(c, text, strlen(text), SMTPCODE_NO_COMMAND, NULL) ==
              SMTPCODE_STATUS_NULL_ARGUMENT);
        CHECK(smtpcode_classifier_classify(c, text, strlen(text), 999, &out) ==
              SMTPCODE_STATUS_INVALID_ARGUMENT);
    }
    smtpcode_classifier_free(c);
    smtpcode_classifier_free(NULL);

    /* A wrong line: the status, the message with the line number, `out` untouched. */
    {
        const char *bad = "id\tpattern\treason\n# comment\nx\tuser (unknown\tpolicy\n";
        smtpcode_classifier *keep = (smtpcode_classifier *)&t;
        CHECK(smtpcode_classifier_new_from_text(bad, strlen(bad), err, sizeof err, &keep) ==
              SMTPCODE_STATUS_BAD_RULES);
        CHECK(keep == (smtpcode_classifier *)&t);
        CHECK(strncmp(err, "<text>:3: ", 10) == 0);
        CHECK(strstr(err, "missing )") != NULL);
        /* A buffer too short gets a cut message, still NUL-terminated; none at all is fine. */
        memset(err, 'x', sizeof err);
        CHECK(smtpcode_classifier_new_from_text(bad, strlen(bad), err, 5, &keep) ==
              SMTPCODE_STATUS_BAD_RULES);
        CHECK(strcmp(err, "<tex") == 0);
        CHECK(smtpcode_classifier_new_from_text(bad, strlen(bad), NULL, 0, &keep) ==
              SMTPCODE_STATUS_BAD_RULES);
        CHECK(smtpcode_classifier_new_from_file("/nonexistent/rules.tsv", 22, err, sizeof err,
                                                &keep) == SMTPCODE_STATUS_BAD_RULES);
        CHECK(strstr(err, "/nonexistent/rules.tsv") != NULL);
        CHECK(smtpcode_classifier_new_from_file(NULL, 3, err, sizeof err, &keep) ==
              SMTPCODE_STATUS_NULL_ARGUMENT);
        CHECK(smtpcode_classifier_new_from_text(bad, strlen(bad), err, sizeof err, NULL) ==
              SMTPCODE_STATUS_NULL_ARGUMENT);
        CHECK(keep == (smtpcode_classifier *)&t);
    }
}

/* ---- whole bounce emails ------------------------------------------------------------ */

/* The bytes of a file in a heap buffer of exactly its size (NULL when it cannot be read). */
static char *read_file(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    size_t cap = 0, n = 0;
    if (!f) {
        return NULL;
    }
    for (;;) {
        size_t got;
        if (n == cap) {
            char *bigger;
            cap = cap ? cap * 2 : 4096;
            bigger = realloc(buf, cap);
            if (!bigger) {
                free(buf);
                fclose(f);
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
    fclose(f);
    *len = n;
    {
        /* Exactly n bytes, so that a read past the end is caught. */
        char *exact = dup_exact(buf, n);
        free(buf);
        return exact;
    }
}

static char *read_fixture(const char *name, size_t *len) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", BOUNCES_DIR, name);
    return read_file(path, len);
}

/* A string of a report: NULL with length 0, or `len` bytes followed by a NUL. */
static int valid_owned(const char *p, size_t len) {
    if (!p) {
        return len == 0;
    }
    return p[len] == '\0';
}

/* Everything a report gives is readable and consistent: the counts match the accessors,
 * every string ends with a NUL at its length, every enum value has a name, the
 * classifications are valid, and the accessors leave `out` alone past the end. Returns the
 * number of recipients. */
static size_t check_report(const smtpcode_bounce_report *report, const char *name) {
    smtpcode_bounce_info info;
    smtpcode_bounce_recipient r;
    const char *problem = NULL;
    size_t i, problem_len = 0;
    CHECK(smtpcode_bounce_report_info(report, &info) == SMTPCODE_STATUS_OK);
    CHECK(smtpcode_bounce_kind_str(info.kind) != NULL);
    CHECK(smtpcode_bounce_format_str(info.format) != NULL);
    CHECK(valid_owned(info.reporting_mta, info.reporting_mta_len));
    CHECK(valid_owned(info.from, info.from_len));
    CHECK(valid_owned(info.subject, info.subject_len));
    CHECK(valid_owned(info.feedback_type, info.feedback_type_len));
    CHECK(valid_owned(info.original_message_id, info.original_message_id_len));
    CHECK(valid_owned(info.original_from, info.original_from_len));
    CHECK(valid_owned(info.original_to, info.original_to_len));
    CHECK(valid_owned(info.original_subject, info.original_subject_len));
    CHECK(info.has_original || (!info.original_message_id && !info.original_from &&
                                !info.original_to && !info.original_subject));
    for (i = 0; smtpcode_bounce_report_recipient(report, i, &r) == SMTPCODE_STATUS_OK; i++) {
        if (!r.recipient || !valid_owned(r.recipient, r.recipient_len) ||
            !valid_owned(r.original_recipient, r.original_recipient_len) ||
            !valid_owned(r.remote_mta, r.remote_mta_len) ||
            !valid_owned(r.diagnostic_type, r.diagnostic_type_len) ||
            !valid_owned(r.diagnostic, r.diagnostic_len) ||
            !valid_classification(&r.classification)) {
            printf("  %s: recipient %u is not valid\n", name, (unsigned)i);
            check_failures++;
        }
        CHECK(r.dsn_action == SMTPCODE_NO_DSN_ACTION || smtpcode_dsn_action_str(r.dsn_action));
        CHECK(r.command == SMTPCODE_NO_COMMAND || smtpcode_command_str(r.command));
        CHECK(r.has_status ? (r.status_class == 2 || r.status_class == 4 || r.status_class == 5)
                           : (r.status_class == 0 && r.status_subject == 0 &&
                              r.status_detail == 0));
    }
    CHECK(i == info.recipient_count);
    POISON(r);
    CHECK(smtpcode_bounce_report_recipient(report, info.recipient_count, &r) ==
          SMTPCODE_STATUS_NOT_FOUND);
    CHECK(smtpcode_bounce_report_recipient(report, SIZE_MAX, &r) == SMTPCODE_STATUS_NOT_FOUND);
    CHECK(UNTOUCHED(r));
    for (i = 0; i < info.problem_count; i++) {
        CHECK(smtpcode_bounce_report_problem(report, i, &problem, &problem_len) ==
              SMTPCODE_STATUS_OK);
        CHECK(problem && problem_len > 0 && valid_owned(problem, problem_len));
    }
    problem = NULL;
    problem_len = 7;
    CHECK(smtpcode_bounce_report_problem(report, info.problem_count, &problem, &problem_len) ==
          SMTPCODE_STATUS_NOT_FOUND);
    CHECK(problem == NULL && problem_len == 7);
    return info.recipient_count;
}

/* Every fixture of tests/data/bounces parses, and its report is consistent. */
static void test_bounce_fixtures(void) {
    DIR *dir = opendir(BOUNCES_DIR);
    struct dirent *e;
    int files = 0;
    size_t recipients = 0;
    CHECK(dir != NULL);
    if (!dir) {
        return;
    }
    while ((e = readdir(dir)) != NULL) {
        size_t n = strlen(e->d_name), len = 0;
        char *raw;
        smtpcode_bounce_report *report = NULL;
        if (n < 4 || strcmp(e->d_name + n - 4, ".eml") != 0) {
            continue;
        }
        raw = read_fixture(e->d_name, &len);
        CHECK(raw != NULL);
        if (!raw) {
            continue;
        }
        if (smtpcode_bounce_parse(raw, len, &report) != SMTPCODE_STATUS_OK || !report) {
            printf("  %s: not parsed\n", e->d_name);
            check_failures++;
        } else {
            recipients += check_report(report, e->d_name);
        }
        smtpcode_bounce_report_free(report);
        free(raw);
        files++;
    }
    closedir(dir);
    CHECK(files >= 10);
    CHECK(recipients >= (size_t)files);
}

/* The Postfix RFC 3464 report, field by field (the values of crates/smtpcode/tests/bounce.rs). */
static void test_bounce_postfix(void) {
    size_t len = 0;
    char *raw = read_fixture("postfix-dsn.eml", &len);
    smtpcode_bounce_report *report = NULL;
    smtpcode_bounce_info info;
    smtpcode_bounce_recipient jane, full;
    CHECK(raw != NULL);
    if (!raw) {
        return;
    }
    CHECK(smtpcode_bounce_parse(raw, len, &report) == SMTPCODE_STATUS_OK);
    /* The report holds its own copies: the caller's buffer may go at once. */
    memset(raw, 'x', len);
    free(raw);
    CHECK(report != NULL);
    if (!report) {
        return;
    }
    CHECK(smtpcode_bounce_report_info(report, &info) == SMTPCODE_STATUS_OK);
    CHECK(info.kind == SMTPCODE_BOUNCE_KIND_DELIVERY_FAILURE);
    CHECK(info.format == SMTPCODE_BOUNCE_FORMAT_RFC3464);
    CHECK(streq(smtpcode_bounce_kind_str(info.kind), "delivery_failure"));
    CHECK(streq(smtpcode_bounce_format_str(info.format), "rfc3464"));
    CHECK(streq(info.reporting_mta, "mx.example.org") && info.reporting_mta_len == 14);
    CHECK(info.has_original);
    CHECK(streq(info.original_message_id, "<figures-2025@example.org>"));
    CHECK(streq(info.original_subject, "Quarterly figures"));
    CHECK(streq(info.original_to, "jane@example.com, full@example.net"));
    CHECK(!info.truncated);
    CHECK(info.recipient_count == 2);

    CHECK(smtpcode_bounce_report_recipient(report, 0, &jane) == SMTPCODE_STATUS_OK);
    CHECK(streq(jane.recipient, "jane@example.com") && jane.recipient_len == 16);
    CHECK(streq(jane.original_recipient, "Jane@Example.com"));
    CHECK(jane.dsn_action == SMTPCODE_DSN_ACTION_FAILED);
    CHECK(streq(smtpcode_dsn_action_str(jane.dsn_action), "failed"));
    CHECK(jane.has_status && jane.status_class == 5 && jane.status_subject == 1 &&
          jane.status_detail == 1);
    CHECK(streq(jane.remote_mta, "mx.example.com"));
    CHECK(streq(jane.diagnostic_type, "smtp"));
    CHECK(streq(jane.diagnostic, "550 5.1.1 <jane@example.com>: Recipient address rejected: "
                                 "User unknown in local recipient table"));
    CHECK(jane.classification.code == 550);
    CHECK(jane.classification.reason == SMTPCODE_REASON_MAILBOX_UNKNOWN);
    CHECK(jane.classification.bounce == SMTPCODE_BOUNCE_HARD);

    CHECK(smtpcode_bounce_report_recipient(report, 1, &full) == SMTPCODE_STATUS_OK);
    CHECK(streq(full.recipient, "full@example.net"));
    CHECK(full.original_recipient == NULL && full.original_recipient_len == 0);
    /* The DSN's diagnostic has no command; the text part says "in reply to RCPT TO command". */
    CHECK(full.command == SMTPCODE_COMMAND_RCPT);
    CHECK(full.classification.reason == SMTPCODE_REASON_MAILBOX_FULL);
    CHECK(full.classification.bounce == SMTPCODE_BOUNCE_SOFT);
    smtpcode_bounce_report_free(report);
}

/* What is not a message, NULL and out-of-range arguments: the status, `out` untouched. */
static void test_bounce_errors(void) {
    smtpcode_bounce_report *untouched = (smtpcode_bounce_report *)&check_failures;
    smtpcode_bounce_report *out = untouched;
    smtpcode_bounce_report *report = NULL;
    smtpcode_bounce_info info;
    smtpcode_bounce_recipient r;
    const char *p = NULL;
    size_t plen = 0;
    const char *blank = " \r\n\t\r\n";
    const char *prose = "This is no email: just a line of prose.\n";
    const char *ok = "From: a@example.com\nSubject: hello\n\nHi.\n";
    char *buf;

    CHECK(smtpcode_bounce_parse(NULL, 0, &out) == SMTPCODE_STATUS_EMPTY_INPUT);
    buf = dup_exact(blank, strlen(blank));
    CHECK(smtpcode_bounce_parse(buf, strlen(blank), &out) == SMTPCODE_STATUS_EMPTY_INPUT);
    free(buf);
    buf = dup_exact(prose, strlen(prose));
    CHECK(smtpcode_bounce_parse(buf, strlen(prose), &out) == SMTPCODE_STATUS_NOT_A_MESSAGE);
    CHECK(smtpcode_bounce_parse(NULL, 5, &out) == SMTPCODE_STATUS_NULL_ARGUMENT);
    CHECK(smtpcode_bounce_parse(buf, (size_t)PTRDIFF_MAX + 1, &out) ==
          SMTPCODE_STATUS_INVALID_ARGUMENT);
    CHECK(smtpcode_bounce_parse(buf, strlen(prose), NULL) == SMTPCODE_STATUS_NULL_ARGUMENT);
    CHECK(smtpcode_classifier_bounce_parse(NULL, buf, strlen(prose), &out) ==
          SMTPCODE_STATUS_NULL_ARGUMENT);
    free(buf);
    CHECK(out == untouched);
    CHECK(streq(smtpcode_status_str(SMTPCODE_STATUS_NOT_A_MESSAGE),
                "not a message: the input does not start with email header fields"));

    /* An ordinary message is a report of kind not_bounce, without recipients. */
    buf = dup_exact(ok, strlen(ok));
    CHECK(smtpcode_bounce_parse(buf, strlen(ok), &report) == SMTPCODE_STATUS_OK);
    free(buf);
    CHECK(report != NULL);
    if (!report) {
        return;
    }
    CHECK(smtpcode_bounce_report_info(report, &info) == SMTPCODE_STATUS_OK);
    CHECK(info.kind == SMTPCODE_BOUNCE_KIND_NOT_BOUNCE && info.recipient_count == 0);
    CHECK(streq(info.subject, "hello") && streq(info.from, "a@example.com"));

    POISON(info);
    CHECK(smtpcode_bounce_report_info(NULL, &info) == SMTPCODE_STATUS_NULL_ARGUMENT);
    CHECK(smtpcode_bounce_report_info(report, NULL) == SMTPCODE_STATUS_NULL_ARGUMENT);
    CHECK(UNTOUCHED(info));
    POISON(r);
    CHECK(smtpcode_bounce_report_recipient(NULL, 0, &r) == SMTPCODE_STATUS_NULL_ARGUMENT);
    CHECK(smtpcode_bounce_report_recipient(report, 0, NULL) == SMTPCODE_STATUS_NULL_ARGUMENT);
    CHECK(smtpcode_bounce_report_recipient(report, 0, &r) == SMTPCODE_STATUS_NOT_FOUND);
    CHECK(UNTOUCHED(r));
    CHECK(smtpcode_bounce_report_problem(NULL, 0, &p, &plen) == SMTPCODE_STATUS_NULL_ARGUMENT);
    CHECK(smtpcode_bounce_report_problem(report, 0, NULL, &plen) ==
          SMTPCODE_STATUS_NULL_ARGUMENT);
    CHECK(smtpcode_bounce_report_problem(report, 0, &p, NULL) == SMTPCODE_STATUS_NULL_ARGUMENT);
    CHECK(p == NULL && plen == 0);
    smtpcode_bounce_report_free(report);
    smtpcode_bounce_report_free(NULL);

    CHECK(smtpcode_bounce_kind_str(SMTPCODE_BOUNCE_KIND_NOT_BOUNCE + 1) == NULL);
    CHECK(smtpcode_bounce_format_str(SMTPCODE_BOUNCE_FORMAT_NONE + 1) == NULL);
    CHECK(smtpcode_dsn_action_str(SMTPCODE_NO_DSN_ACTION) == NULL);
    CHECK(streq(smtpcode_dsn_action_str(SMTPCODE_DSN_ACTION_DELAYED), "delayed"));
}

/* Every prefix of a bounce (cut every 61 bytes, in a buffer of exactly that size): a status,
 * never a crash or a read past the end; a report when the status is OK. */
static void test_bounce_cut_anywhere(void) {
    size_t len = 0, cut;
    char *raw = read_fixture("postfix-dsn.eml", &len);
    int reports = 0;
    CHECK(raw != NULL);
    if (!raw) {
        return;
    }
    for (cut = 0;; cut = cut + 61 < len ? cut + 61 : len) {
        char *buf = dup_exact(raw, cut);
        smtpcode_bounce_report *report = NULL;
        smtpcode_status st = smtpcode_bounce_parse(buf, cut, &report);
        free(buf);
        if (st == SMTPCODE_STATUS_OK) {
            CHECK(report != NULL);
            if (report) {
                check_report(report, "postfix-dsn.eml (cut)");
                reports++;
            }
            smtpcode_bounce_report_free(report);
        } else {
            CHECK(report == NULL);
            CHECK(st == SMTPCODE_STATUS_EMPTY_INPUT || st == SMTPCODE_STATUS_NOT_A_MESSAGE);
        }
        if (cut == len) {
            break;
        }
    }
    CHECK(reports > 10);
    free(raw);
}

/* A bounce read with a user's rules: the rule decides the diagnostic's reason (as in
 * crates/smtpcode/tests/user_rules.rs); the report outlives the classifier. */
static void test_bounce_user_rules(void) {
    const char *raw =
        "From: MAILER-DAEMON@mx.acme.example\r\nTo: sender@example.com\r\n"
        "Subject: Undelivered Mail Returned to Sender\r\n"
        "Content-Type: multipart/report; report-type=delivery-status; boundary=\"b\"\r\n\r\n"
        "--b\r\nContent-Type: text/plain\r\n\r\nYour message could not be delivered.\r\n"
        "--b\r\nContent-Type: message/delivery-status\r\n\r\n"
        "Reporting-MTA: dns; mx.acme.example\r\n\r\n"
        "Final-Recipient: rfc822; jane@acme.example\r\nAction: failed\r\nStatus: 5.1.1\r\n"
        "Diagnostic-Code: smtp; 550 5.1.1 ACME-GW-410 user has left the company\r\n--b--\r\n";
    const char *path = USER_RULES_PATH;
    char err[128];
    smtpcode_classifier *c = NULL;
    smtpcode_bounce_report *plain = NULL, *ruled = NULL;
    smtpcode_bounce_recipient r;
    char *buf = dup_exact(raw, strlen(raw));

    CHECK(smtpcode_classifier_new_from_file(path, strlen(path), err, sizeof err, &c) ==
          SMTPCODE_STATUS_OK);
    if (!c) {
        printf("  %s\n", err);
        check_failures++;
        free(buf);
        return;
    }
    CHECK(smtpcode_bounce_parse(buf, strlen(raw), &plain) == SMTPCODE_STATUS_OK);
    CHECK(smtpcode_classifier_bounce_parse(c, buf, strlen(raw), &ruled) == SMTPCODE_STATUS_OK);
    CHECK(smtpcode_classifier_bounce_parse(c, buf, strlen(raw), NULL) ==
          SMTPCODE_STATUS_NULL_ARGUMENT);
    free(buf);
    smtpcode_classifier_free(c);
    if (!plain || !ruled) {
        check_failures++;
        smtpcode_bounce_report_free(plain);
        smtpcode_bounce_report_free(ruled);
        return;
    }
    CHECK(smtpcode_bounce_report_recipient(plain, 0, &r) == SMTPCODE_STATUS_OK);
    CHECK(r.classification.reason == SMTPCODE_REASON_MAILBOX_UNKNOWN);
    CHECK(smtpcode_bounce_report_recipient(ruled, 0, &r) == SMTPCODE_STATUS_OK);
    CHECK(streq(r.recipient, "jane@acme.example"));
    CHECK(r.classification.reason == SMTPCODE_REASON_MAILBOX_MOVED);
    CHECK(streq(r.classification.rule, "acme.retired"));
    smtpcode_bounce_report_free(plain);
    smtpcode_bounce_report_free(ruled);
}

/* Threads: several threads parse the same bounce and read one shared report at once. */
struct bounce_job {
    const char *raw;
    size_t len;
    const smtpcode_bounce_report *shared;
};

static void *parse_bounces(void *arg) {
    const struct bounce_job *job = arg;
    intptr_t mismatches = 0;
    int round;
    for (round = 0; round < 20; round++) {
        smtpcode_bounce_report *mine = NULL;
        smtpcode_bounce_recipient a, b;
        size_t i;
        if (smtpcode_bounce_parse(job->raw, job->len, &mine) != SMTPCODE_STATUS_OK) {
            mismatches++;
            continue;
        }
        for (i = 0; smtpcode_bounce_report_recipient(job->shared, i, &a) == SMTPCODE_STATUS_OK;
             i++) {
            if (smtpcode_bounce_report_recipient(mine, i, &b) != SMTPCODE_STATUS_OK ||
                strcmp(a.recipient, b.recipient) != 0 ||
                !same_classification(&a.classification, &b.classification)) {
                mismatches++;
            }
        }
        if (i != 2) {
            mismatches++;
        }
        smtpcode_bounce_report_free(mine);
    }
    return (void *)mismatches;
}

static void test_bounce_threads(void) {
    struct bounce_job job;
    smtpcode_bounce_report *shared = NULL;
    pthread_t threads[THREADS];
    size_t len = 0;
    char *raw = read_fixture("postfix-dsn.eml", &len);
    int t;
    CHECK(raw != NULL);
    if (!raw) {
        return;
    }
    CHECK(smtpcode_bounce_parse(raw, len, &shared) == SMTPCODE_STATUS_OK);
    if (!shared) {
        free(raw);
        return;
    }
    job.raw = raw;
    job.len = len;
    job.shared = shared;
    for (t = 0; t < THREADS; t++) {
        CHECK(pthread_create(&threads[t], NULL, parse_bounces, &job) == 0);
    }
    for (t = 0; t < THREADS; t++) {
        void *mismatches = NULL;
        CHECK(pthread_join(threads[t], &mismatches) == 0);
        CHECK((intptr_t)mismatches == 0);
    }
    smtpcode_bounce_report_free(shared);
    free(raw);
}

int main(void) {
    int passed = 0, failed = 0;
    /* The golden cases run first, before smtpcode_warm_up(): the first classification builds
     * the matcher on its own. */
    run_test(test_golden_classify, "golden_classify", &passed, &failed);
    run_test(test_golden_parse, "golden_parse", &passed, &failed);
    run_test(test_golden_no_reply, "golden_no_reply", &passed, &failed);
    run_test(test_version, "version", &passed, &failed);
    run_test(test_status_str, "status_str", &passed, &failed);
    run_test(test_enum_names, "enum_names", &passed, &failed);
    run_test(test_classify_fields, "classify_fields", &passed, &failed);
    run_test(test_empty_input, "empty_input", &passed, &failed);
    run_test(test_non_utf8, "non_utf8", &passed, &failed);
    run_test(test_null_arguments, "null_arguments", &passed, &failed);
    run_test(test_invalid_arguments, "invalid_arguments", &passed, &failed);
    run_test(test_lookup, "lookup", &passed, &failed);
    run_test(test_lookup_enhanced, "lookup_enhanced", &passed, &failed);
    run_test(test_tables, "tables", &passed, &failed);
    run_test(test_warm_up, "warm_up", &passed, &failed);
    run_test(test_threads, "threads", &passed, &failed);
    run_test(test_user_rules, "user_rules", &passed, &failed);
    run_test(test_bounce_fixtures, "bounce_fixtures", &passed, &failed);
    run_test(test_bounce_postfix, "bounce_postfix", &passed, &failed);
    run_test(test_bounce_errors, "bounce_errors", &passed, &failed);
    run_test(test_bounce_cut_anywhere, "bounce_cut_anywhere", &passed, &failed);
    run_test(test_bounce_user_rules, "bounce_user_rules", &passed, &failed);
    run_test(test_bounce_threads, "bounce_threads", &passed, &failed);
    printf("smtpcode-c: %d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
