/**
 * @file peer_bench.c
 * @brief `make bench`'s peer: the same enroll with libcurl (OpenSSL) and
 * cJSON, as a host program would write it: one easy handle reused (one
 * keep-alive connection), the body built with cJSON, the answer parsed
 * with cJSON and checked (`code` "SUCCESS", `data.isSuccess` true).
 * HTTP/1.1 and TLS 1.2, as cardkit on mbedTLS 2.28.
 *
 *   peer_bench calls BASE_URL CA_FILE N
 *
 * Credentials come from CK_API_KEY and CK_ACCESS_TOKEN. Prints
 * `ns_per_op=... maxrss_kb=...` like ck_bench.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include <cjson/cJSON.h>
#include <curl/curl.h>

typedef struct answer {
    char buf[4096];
    size_t len;
} answer;

static size_t on_data(char *p, size_t size, size_t nmemb, void *ctx)
{
    answer *a = (answer *)ctx;
    size_t n = size * nmemb;
    if (n > sizeof a->buf - 1u - a->len) {
        return 0; /* too large: curl fails the transfer */
    }
    memcpy(a->buf + a->len, p, n);
    a->len += n;
    return n;
}

static double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int enroll(CURL *h, answer *a)
{
    cJSON *req = cJSON_CreateObject();
    cJSON *resp;
    const cJSON *code;
    const cJSON *data;
    char *body;
    long status = 0;
    int ok;

    cJSON_AddStringToObject(req, "card_id", "card201907021723");
    cJSON_AddStringToObject(req, "cardholder_id", "273555991139442689");
    body = cJSON_PrintUnformatted(req);
    cJSON_Delete(req);
    a->len = 0;
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
    if (curl_easy_perform(h) != CURLE_OK) {
        free(body);
        return 1;
    }
    free(body);
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    a->buf[a->len] = '\0';
    resp = cJSON_ParseWithLength(a->buf, a->len);
    code = cJSON_GetObjectItemCaseSensitive(resp, "code");
    data = cJSON_GetObjectItemCaseSensitive(resp, "data");
    ok = status / 100 == 2 && cJSON_IsString(code) && strcmp(code->valuestring, "SUCCESS") == 0 &&
         (getenv("CK_BENCH_EXPECT_FALSE") != NULL ? cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(data, "isSuccess"))
                                                  : cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(data, "isSuccess")));
    cJSON_Delete(resp);
    return ok ? 0 : 1;
}

int main(int argc, char **argv)
{
    static answer a;
    struct curl_slist *hdrs = NULL;
    char line[512];
    struct rusage ru;
    unsigned long n;
    unsigned long i;
    double t0;
    double t1;
    int rc;
    CURL *h;

    if (argc != 5 || strcmp(argv[1], "calls") != 0 || getenv("CK_API_KEY") == NULL ||
        getenv("CK_ACCESS_TOKEN") == NULL) {
        fprintf(stderr, "usage: CK_API_KEY=.. CK_ACCESS_TOKEN=.. peer_bench calls BASE_URL CA_FILE N\n");
        return 2;
    }
    n = strtoul(argv[4], NULL, 10);
    curl_global_init(CURL_GLOBAL_DEFAULT);
    h = curl_easy_init();
    snprintf(line, sizeof line, "%s/api/issuing/3ds/v2/enroll", argv[2]);
    curl_easy_setopt(h, CURLOPT_URL, line);
    curl_easy_setopt(h, CURLOPT_CAINFO, argv[3]);
    curl_easy_setopt(h, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_1_1);
    curl_easy_setopt(h, CURLOPT_SSLVERSION, (long)(CURL_SSLVERSION_TLSv1_2 | CURL_SSLVERSION_MAX_TLSv1_2));
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &a);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, 15000L);
    curl_easy_setopt(h, CURLOPT_USERAGENT, "peer/1.0");
    hdrs = curl_slist_append(hdrs, "Accept: application/json");
    hdrs = curl_slist_append(hdrs, "Content-Type: application/json");
    snprintf(line, sizeof line, "Authorization: Bearer %s", getenv("CK_ACCESS_TOKEN"));
    hdrs = curl_slist_append(hdrs, line);
    snprintf(line, sizeof line, "x-api-key: %s", getenv("CK_API_KEY"));
    hdrs = curl_slist_append(hdrs, line);
    hdrs = curl_slist_append(hdrs, "Expect:");
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);

    rc = enroll(h, &a); /* connect and handshake: not timed */
    t0 = now_ns();
    for (i = 0; rc == 0 && i < n; i++) {
        rc = enroll(h, &a);
    }
    t1 = now_ns();
    curl_easy_cleanup(h);
    curl_slist_free_all(hdrs);
    curl_global_cleanup();
    getrusage(RUSAGE_SELF, &ru);
    if (rc != 0) {
        fprintf(stderr, "peer_bench: enroll failed\n");
        return 1;
    }
    printf("ns_per_op=%.0f maxrss_kb=%ld\n", n != 0u ? (t1 - t0) / (double)n : 0.0, ru.ru_maxrss);
    return 0;
}
