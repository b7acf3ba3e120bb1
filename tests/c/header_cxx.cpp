// The header compiles as C++ (cbindgen's cpp_compat) and its functions link with C linkage.
// Built and run by tests/c/run.sh with -std=c++11 -Wall -Wextra -pedantic -Werror.
#include <cstdio>
#include <cstring>

#include "smtpcode.h"

int main() {
    const char reply[] = "452 4.2.2 Mailbox full";
    smtpcode_classification c;
    smtpcode_status st = smtpcode_classify(reply, sizeof reply - 1, SMTPCODE_NO_COMMAND, &c);
    if (st != SMTPCODE_STATUS_OK || c.code != 452 || c.outcome != SMTPCODE_OUTCOME_TRANSIENT ||
        std::strcmp(smtpcode_version(), SMTPCODE_VERSION) != 0) {
        std::printf("FAILED: C++ caller (%s)\n", smtpcode_status_str(st));
        return 1;
    }
    std::printf("PASSED: C++ caller: %u %s %s\n", unsigned(c.code), smtpcode_reason_str(c.reason),
                smtpcode_bounce_str(c.bounce));
    return 0;
}
