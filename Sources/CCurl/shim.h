#ifndef SCHEDULEDROP_CCURL_SHIM_H
#define SCHEDULEDROP_CCURL_SHIM_H

// Typed, non-variadic entry points for libcurl's variadic curl_easy_setopt and curl_easy_getinfo, which Swift
// cannot call. Each shim passes one argument of one C type; the option names stay libcurl's own.
#include <curl/curl.h>

/// The write callback's C type: data, size of an item, item count, the caller's pointer; returns bytes taken.
typedef size_t (*scheduledrop_curl_write_callback)(char *data, size_t size, size_t count, void *context);

/// Sets an option that takes a long (timeouts, flags, verification levels).
static inline CURLcode scheduledrop_curl_set_long(CURL *handle, CURLoption option, long value) {
    return curl_easy_setopt(handle, option, value);
}

/// Sets an option that takes a NUL-terminated string; libcurl copies it.
static inline CURLcode scheduledrop_curl_set_string(CURL *handle, CURLoption option, const char *value) {
    return curl_easy_setopt(handle, option, value);
}

/// Sets an option that takes a string list (CURLOPT_QUOTE, CURLOPT_HTTPHEADER); the list must outlive the transfer.
static inline CURLcode scheduledrop_curl_set_list(CURL *handle, CURLoption option, struct curl_slist *list) {
    return curl_easy_setopt(handle, option, list);
}

/// Sets the function that receives downloaded bytes, and the pointer handed to it.
static inline CURLcode scheduledrop_curl_set_writer(CURL *handle, scheduledrop_curl_write_callback callback, void *context) {
    CURLcode code = curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, callback);
    return code != CURLE_OK ? code : curl_easy_setopt(handle, CURLOPT_WRITEDATA, context);
}

/// The read callback of an upload with no body: there is never anything to read.
static inline size_t scheduledrop_curl_read_nothing(char *buffer, size_t size, size_t count, void *context) {
    (void)buffer; (void)size; (void)count; (void)context;
    return 0;
}

/// Makes the request an upload (PUT) of zero bytes, sent with `Content-Length: 0` and never read from stdin.
static inline CURLcode scheduledrop_curl_set_empty_upload(CURL *handle) {
    CURLcode code = curl_easy_setopt(handle, CURLOPT_UPLOAD, 1L);
    if (code == CURLE_OK) code = curl_easy_setopt(handle, CURLOPT_INFILESIZE_LARGE, (curl_off_t)0);
    return code != CURLE_OK ? code : curl_easy_setopt(handle, CURLOPT_READFUNCTION, scheduledrop_curl_read_nothing);
}

/// Reads information that is a long (the last response code).
static inline CURLcode scheduledrop_curl_get_long(CURL *handle, CURLINFO info, long *value) {
    return curl_easy_getinfo(handle, info, value);
}

#endif
