/*
 * A C host of sdkwa1c compiled against include/sdkwa1c.h: sends and
 * receives through the sandbox whose URL is argv[1].
 * Exit code 0 when every check passed.
 */
#include <stdint.h>
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
    if (argc < 8) {
        fprintf(stderr, "usage: %s API_URL TOKEN FILE USER_ID USER_TOKEN TG_ID TG_TOKEN\n", argv[0]);
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

    /* A file sent, then downloaded: the bytes themselves, freed with sdkwa_bytes_free. */
    r = sdkwa_send_file_by_upload(client, "79007654321", argv[3], "invoice.pdf", NULL, &out);
    CHECK(r == SDKWA_OK, "send_file_by_upload ok");
    char params[256] = "";
    const char *idm = out ? strstr(out, "\"idMessage\":\"") : NULL;
    if (idm) snprintf(params, sizeof params, "{\"chatId\":\"79007654321\",\"idMessage\":\"%.32s\"}",
                      idm + strlen("\"idMessage\":\""));
    sdkwa_string_free(out);
    uint8_t *bytes = NULL;
    size_t len = 0;
    char *error = NULL;
    r = sdkwa_call_bytes(client, "downloadFile", params, &bytes, &len, &error);
    CHECK(r == SDKWA_OK && error == NULL, "downloadFile ok");
    CHECK(len == 13 && bytes && memcmp(bytes, "%PDF-1.4 test", 13) == 0, "downloadFile gives the file's bytes");
    sdkwa_bytes_free(bytes, len);
    r = sdkwa_call(client, "downloadFile", params, &out);
    CHECK(r == SDKWA_ERR_INVALID_ARGUMENT && strstr(out, "sdkwa_call_bytes"), "sdkwa_call points to sdkwa_call_bytes");
    sdkwa_string_free(out);

    r = sdkwa_call(client, "sendMesage", "{}", &out);
    CHECK(r == SDKWA_ERR_INVALID_ARGUMENT, "a misspelled method is refused before any request");
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

    /* The account API: only the user id and token, no instance. */
    snprintf(config, sizeof config,
             "{\"userId\":\"%s\",\"userToken\":\"%s\",\"apiUrl\":\"%s\"}", argv[4], argv[5], argv[1]);
    client = sdkwa_client_new(config);
    CHECK(client != NULL, "account-only client");
    r = sdkwa_call(client, "instances/list", NULL, &out);
    CHECK(r == SDKWA_OK && strstr(out, argv[2]) != NULL, "instances/list has the instance's token");
    sdkwa_string_free(out);
    r = sdkwa_call(client, "getStateInstance", NULL, &out);
    CHECK(r == SDKWA_ERR_INVALID_ARGUMENT && strstr(out, "idInstance"), "an instance call without an instance names idInstance");
    sdkwa_string_free(out);
    sdkwa_client_free(client);

    /* Telegram's login: app, confirmation code, sign-in. */
    snprintf(config, sizeof config,
             "{\"idInstance\":\"%s\",\"apiToken\":\"%s\",\"apiUrl\":\"%s\",\"messenger\":\"telegram\"}",
             argv[6], argv[7], argv[1]);
    client = sdkwa_client_new(config);
    r = sdkwa_call(client, "createApp",
                   "{\"title\":\"Shop\",\"shortName\":\"shop\",\"url\":\"https://example.invalid\",\"description\":\"bot\"}", &out);
    CHECK(r == SDKWA_OK && strstr(out, "appId"), "createApp");
    sdkwa_string_free(out);
    r = sdkwa_call(client, "sendConfirmationCode", "{\"phoneNumber\":\"+7 900 123-45-67\"}", &out);
    CHECK(r == SDKWA_OK, "sendConfirmationCode");
    sdkwa_string_free(out);
    r = sdkwa_call(client, "signInWithConfirmationCode", "{\"code\":\"123456\"}", &out);
    CHECK(r == SDKWA_OK, "signInWithConfirmationCode");
    sdkwa_string_free(out);
    r = sdkwa_get_state_instance(client, &out);
    CHECK(r == SDKWA_OK && strstr(out, "\"authorized\""), "authorized after sign-in");
    sdkwa_string_free(out);
    sdkwa_client_free(client);

    printf("%d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
