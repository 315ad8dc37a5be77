/*
 * Send a WhatsApp message and receive the notifications it causes.
 *
 * Build (after `cargo build --release`, which makes target/release/libsdkwa1c.so):
 *   cc -std=c99 -Iinclude examples/c/send_and_receive.c -Ltarget/release -lsdkwa1c \
 *      -Wl,-rpath,"$PWD/target/release" -o send_and_receive
 * -Wl,-rpath lets the program find the library at run time; without it, set
 * LD_LIBRARY_PATH=target/release (or install libsdkwa1c.so where ld.so looks).
 *
 * Run against the offline sandbox (`sdkwa-sandbox --authorized`, see docs/sandbox.md):
 *   ./send_and_receive http://127.0.0.1:7777
 * The address comes from argv[1] or SDKWA_API_URL; with neither the program
 * goes to the real service, https://api.sdkwa.pro, with your own
 * SDKWA_ID_INSTANCE and SDKWA_API_TOKEN.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sdkwa1c.h"

static const char *env_or(const char *name, const char *fallback) {
    const char *v = getenv(name);
    return v && *v ? v : fallback;
}

int main(int argc, char **argv) {
    const char *url = argc > 1 ? argv[1] : env_or("SDKWA_API_URL", "https://api.sdkwa.pro");
    /* The sandbox's default instance and token; use your own for the real service. */
    const char *id = env_or("SDKWA_ID_INSTANCE", "1101000001");
    const char *token = env_or("SDKWA_API_TOKEN", "sandbox-token-5f1c2a9e7b3d4c60");

    char config[1024];
    snprintf(config, sizeof config,
             "{\"idInstance\":\"%s\",\"apiToken\":\"%s\",\"apiUrl\":\"%s\",\"language\":\"en\"}",
             id, token, url);
    SdkwaClient *client = sdkwa_client_new(config);
    if (!client) {
        fprintf(stderr, "%s\n", sdkwa_last_error());
        return 1;
    }

    char *out = NULL; /* every answer (or error JSON) is a string to free */
    SdkwaResult r = sdkwa_send_message(client, "+7 900 123-45-67", "Hello from C", &out);
    if (r != SDKWA_OK) {
        fprintf(stderr, "%s: %s\n", sdkwa_result_name(r), out);
        sdkwa_string_free(out);
        sdkwa_client_free(client);
        return 1;
    }
    printf("sent: %s\n", out);
    sdkwa_string_free(out);

    /* Receive what is queued (waiting up to 2 s each time); delete each one after handling it. */
    for (;;) {
        r = sdkwa_receive_notification(client, 2, &out);
        /* Stop on an error (out = its JSON) or when nothing came (out = "null"). */
        if (r != SDKWA_OK || strcmp(out, "null") == 0) break;
        printf("received: %s\n", out);
        const char *receipt = strstr(out, "\"receiptId\":");
        long long receipt_id = receipt ? atoll(receipt + strlen("\"receiptId\":")) : -1;
        sdkwa_string_free(out);
        r = sdkwa_delete_notification(client, receipt_id, &out);
        if (r != SDKWA_OK) break;
        sdkwa_string_free(out);
    }
    if (r != SDKWA_OK) fprintf(stderr, "%s: %s\n", sdkwa_result_name(r), out);
    sdkwa_string_free(out);

    /* Any method of the service, JSON in and out. */
    r = sdkwa_call(client, "getChatHistory", "{\"chatId\":\"79001234567\",\"count\":10}", &out);
    printf("history: %s\n", r == SDKWA_OK ? out : sdkwa_result_name(r));
    sdkwa_string_free(out);

    sdkwa_client_free(client);
    return r == SDKWA_OK ? 0 : 1;
}
