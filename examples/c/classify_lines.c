/*
 * classify_lines: read SMTP replies or bounce diagnostics on stdin, one per line, and print
 * one tab-separated classification per line. A starting point for a mail daemon or a log
 * processor that links libsmtpcode.
 *
 *     cc -std=c99 -o classify_lines classify_lines.c $(pkg-config --cflags --libs smtpcode)
 *     ./classify_lines < replies.txt            # or: ./classify_lines rcpt < replies.txt
 *
 * The optional argument names the SMTP command every line answered (connect, ehlo, starttls,
 * auth, mail, rcpt, data, end_of_data). The output has the columns of
 * `smtpcode classify --format tsv`:
 *
 *     line code enhanced outcome bounce reason action retry provider provider_code command rule
 *
 * Lines are bytes: any encoding, NUL bytes included; a trailing "\r" is dropped.
 */
#define _POSIX_C_SOURCE 200809L /* getline() */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include <smtpcode.h>

/* The smtpcode_command value of a name, or SMTPCODE_NO_COMMAND. */
static uint32_t command_by_name(const char *name) {
    uint32_t i;
    for (i = 0; smtpcode_command_str(i) != NULL; i++) {
        if (strcmp(smtpcode_command_str(i), name) == 0) {
            return i;
        }
    }
    return SMTPCODE_NO_COMMAND;
}

int main(int argc, char **argv) {
    uint32_t command = SMTPCODE_NO_COMMAND;
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    unsigned long number = 0;

    if (strcmp(smtpcode_version(), SMTPCODE_VERSION) != 0) {
        fprintf(stderr, "libsmtpcode %s does not match smtpcode.h %s\n", smtpcode_version(),
                SMTPCODE_VERSION);
        return 2;
    }
    if (argc > 1) {
        command = command_by_name(argv[1]);
        if (command == SMTPCODE_NO_COMMAND) {
            fprintf(stderr, "usage: %s [connect|ehlo|starttls|auth|mail|rcpt|data|end_of_data]\n",
                    argv[0]);
            return 2;
        }
    }
    /* Optional: build the matcher now rather than on the first reply. */
    smtpcode_warm_up();

    puts("line\tcode\tenhanced\toutcome\tbounce\treason\taction\tretry\tprovider\tprovider_code"
         "\tcommand\trule");
    while ((n = getline(&line, &cap, stdin)) != -1) {
        smtpcode_classification c;
        smtpcode_status st;
        size_t len = (size_t)n;

        number++;
        if (len > 0 && line[len - 1] == '\n') {
            len--;
        }
        if (len > 0 && line[len - 1] == '\r') {
            len--;
        }
        /* The line is passed as pointer + length: no NUL terminator needed. */
        st = smtpcode_classify(line, len, command, &c);
        if (st != SMTPCODE_STATUS_OK) {
            fprintf(stderr, "line %lu: %s\n", number, smtpcode_status_str(st));
            free(line);
            return 1;
        }
        printf("%lu\t", number);
        if (c.code != 0) {
            printf("%u", (unsigned)c.code);
        }
        putchar('\t');
        if (c.has_enhanced) {
            printf("%u.%u.%u", (unsigned)c.enhanced_class, (unsigned)c.enhanced_subject,
                   (unsigned)c.enhanced_detail);
        }
        /* Enum fields are integers; the _str functions give their stable names. All strings
         * are static: nothing to free. */
        printf("\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", smtpcode_outcome_str(c.outcome),
               smtpcode_bounce_str(c.bounce), smtpcode_reason_str(c.reason),
               smtpcode_action_str(c.action),
               c.has_retry ? (c.retry ? "true" : "false") : "",
               c.provider ? c.provider : "", c.provider_code ? c.provider_code : "",
               c.command != SMTPCODE_NO_COMMAND ? smtpcode_command_str(c.command) : "", c.rule);
    }
    free(line);
    if (ferror(stdin)) {
        perror("stdin");
        return 1;
    }
    return 0;
}
