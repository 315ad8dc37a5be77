/*
 * A C host of sdkwa1c compiled against include/sdkwa1c.h: sends and
 * receives through the sandbox whose URL is argv[1].
 * Exit code 0 when every check passed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sdkwa1c.h"

static int failed = 0, passed = 0;

#define CHECK(cond, what)                                                   \
    do {                                                                    \
        if (cond) { passed++; }                                             \
        else { failed++; fprintf(stderr, "FAILED: %s (%s:%d)\n", what, __FILE__, __LINE__); } \
    } while (0)

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: %s API_URL TOKEN\n", argv[0]);
        return 2;
    }
    char config[512];
    snprintf(config, sizeof config,
             "{\"idInstance\":\"1101000001\",\"apiToken\":\"%s\",\"apiUrl\":\"%s\",\"timeoutSeconds\":5}",
             argv[2], argv[1]);
    SdkwaClient *client = sdkwa_client_new(config);
    CHECK(client != NULL, "client created");
    if (!client) { fprintf(stderr, "%s\n", sdkwa_last_error()); return 1; }
    printf("sdkwa1c %s\n", sdkwa_version());

    char *out = NULL;
    SdkwaResult r = sdkwa_send_message(client, "+7 (900) 765-43-21", "Hello from C", &out);
    CHECK(r == SDKWA_OK, "send_message ok");
    CHECK(out && strstr(out, "idMessage") != NULL, "send_message answer has idMessage");
    printf("sent: %s\n", out);
    sdkwa_string_free(out);

    /* Receive until the echo bot's answer arrives; delete each notification after reading it. */
    int got_echo = 0;
    for (int i = 0; i < 10 && !got_echo; i++) {
        r = sdkwa_receive_notification(client, 2, &out);
        CHECK(r == SDKWA_OK, "receive ok");
        if (r != SDKWA_OK || strcmp(out, "null") == 0) { sdkwa_string_free(out); break; }
        if (strstr(out, "Echo: Hello from C")) got_echo = 1;
        const char *rid = strstr(out, "\"receiptId\":");
        long long receipt = rid ? atoll(rid + strlen("\"receiptId\":")) : -1;
        printf("received #%lld: %.60s...\n", receipt, out);
        sdkwa_string_free(out);
        r = sdkwa_delete_notification(client, receipt, &out);
        CHECK(r == SDKWA_OK, "delete ok");
        sdkwa_string_free(out);
    }
    CHECK(got_echo, "echo reply received");

    r = sdkwa_call(client, "getChatHistory", "{\"chatId\":\"79007654321\",\"count\":10}", &out);
    CHECK(r == SDKWA_OK && strstr(out, "Hello from C"), "history holds the message");
    sdkwa_string_free(out);

    r = sdkwa_call(client, "sendMessage", "{\"chatId\":\"not a phone\",\"message\":\"x\"}", &out);
    CHECK(r == SDKWA_ERR_INVALID_ARGUMENT, "bad chat id is an invalid argument");
    CHECK(strcmp(sdkwa_result_name(r), "SDKWA_ERR_INVALID_ARGUMENT") == 0, "result name");
    sdkwa_string_free(out);
    sdkwa_client_free(client);

    snprintf(config, sizeof config,
             "{\"idInstance\":\"1101000001\",\"apiToken\":\"wrong\",\"apiUrl\":\"%s\"}", argv[1]);
    client = sdkwa_client_new(config);
    r = sdkwa_get_state_instance(client, &out);
    CHECK(r == SDKWA_ERR_UNAUTHORIZED, "wrong token is unauthorized");
    CHECK(strstr(sdkwa_last_error(), "401") != NULL, "last error names the status");
    sdkwa_string_free(out);
    sdkwa_client_free(client);

    printf("%d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
