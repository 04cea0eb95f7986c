#ifndef SCHEDULEDROP_CLIBSSH2_SHIM_H
#define SCHEDULEDROP_CLIBSSH2_SHIM_H

// Typed entry points for libssh2's function-like macros, which Swift cannot call. Each shim is the macro's own
// expansion with its lengths taken from NUL-terminated strings; everything else is libssh2's API as it is.
#include <string.h>
#include <libssh2.h>
#include <libssh2_sftp.h>

/// A new session with libssh2's default allocators (the `libssh2_session_init` macro).
static inline LIBSSH2_SESSION *scheduledrop_ssh_session_init(void) {
    return libssh2_session_init_ex(NULL, NULL, NULL, NULL);
}

/// Ends the session politely with "by application" (the `libssh2_session_disconnect` macro).
static inline int scheduledrop_ssh_session_disconnect(LIBSSH2_SESSION *session, const char *reason) {
    return libssh2_session_disconnect_ex(session, SSH_DISCONNECT_BY_APPLICATION, reason, "");
}

/// Password authentication (the `libssh2_userauth_password` macro); 0 on success.
static inline int scheduledrop_ssh_auth_password(LIBSSH2_SESSION *session, const char *user, const char *password) {
    return libssh2_userauth_password_ex(session, user, (unsigned int)strlen(user), password, (unsigned int)strlen(password), NULL);
}

/// Public-key authentication from a private key file, the public key derived from it (the
/// `libssh2_userauth_publickey_fromfile` macro); `passphrase` may be NULL; 0 on success.
static inline int scheduledrop_ssh_auth_key_file(LIBSSH2_SESSION *session, const char *user, const char *key_file,
                                                 const char *passphrase) {
    return libssh2_userauth_publickey_fromfile_ex(session, user, (unsigned int)strlen(user), NULL, key_file, passphrase);
}

/// Opens a directory for reading its entries (the `libssh2_sftp_opendir` macro); NULL on failure.
static inline LIBSSH2_SFTP_HANDLE *scheduledrop_sftp_opendir(LIBSSH2_SFTP *sftp, const char *path) {
    return libssh2_sftp_open_ex(sftp, path, (unsigned int)strlen(path), 0, 0, LIBSSH2_SFTP_OPENDIR);
}

/// Opens a file for reading (the `libssh2_sftp_open` macro with LIBSSH2_FXF_READ); NULL on failure.
static inline LIBSSH2_SFTP_HANDLE *scheduledrop_sftp_open_read(LIBSSH2_SFTP *sftp, const char *path) {
    return libssh2_sftp_open_ex(sftp, path, (unsigned int)strlen(path), LIBSSH2_FXF_READ, 0, LIBSSH2_SFTP_OPENFILE);
}

/// Reads the next directory entry's name and attributes (the `libssh2_sftp_readdir` macro): the name's length,
/// 0 at the end, negative on error.
static inline int scheduledrop_sftp_readdir(LIBSSH2_SFTP_HANDLE *handle, char *buffer, size_t size,
                                            LIBSSH2_SFTP_ATTRIBUTES *attributes) {
    return libssh2_sftp_readdir_ex(handle, buffer, size, NULL, 0, attributes);
}

/// Closes a file or directory handle (the `libssh2_sftp_close` macro).
static inline int scheduledrop_sftp_close(LIBSSH2_SFTP_HANDLE *handle) {
    return libssh2_sftp_close_handle(handle);
}

/// Removes a file (the `libssh2_sftp_unlink` macro); 0 on success.
static inline int scheduledrop_sftp_unlink(LIBSSH2_SFTP *sftp, const char *path) {
    return libssh2_sftp_unlink_ex(sftp, path, (unsigned int)strlen(path));
}

/// Renames a file, never overwriting an existing one (the `libssh2_sftp_rename` macro's atomic, native form); 0 on success.
static inline int scheduledrop_sftp_rename(LIBSSH2_SFTP *sftp, const char *source, const char *target) {
    return libssh2_sftp_rename_ex(sftp, source, (unsigned int)strlen(source), target, (unsigned int)strlen(target),
                                  LIBSSH2_SFTP_RENAME_ATOMIC | LIBSSH2_SFTP_RENAME_NATIVE);
}

/// Makes a directory with mode 0755 (the `libssh2_sftp_mkdir` macro); 0 on success.
static inline int scheduledrop_sftp_mkdir(LIBSSH2_SFTP *sftp, const char *path) {
    return libssh2_sftp_mkdir_ex(sftp, path, (unsigned int)strlen(path), 0755);
}

/// Reads a path's attributes, following links (the `libssh2_sftp_stat` macro); 0 on success.
static inline int scheduledrop_sftp_stat(LIBSSH2_SFTP *sftp, const char *path, LIBSSH2_SFTP_ATTRIBUTES *attributes) {
    return libssh2_sftp_stat_ex(sftp, path, (unsigned int)strlen(path), LIBSSH2_SFTP_STAT, attributes);
}

/// Whether attributes with permissions describe a regular file (the `LIBSSH2_SFTP_S_ISREG` macro).
static inline int scheduledrop_sftp_is_regular(const LIBSSH2_SFTP_ATTRIBUTES *attributes) {
    return (attributes->flags & LIBSSH2_SFTP_ATTR_PERMISSIONS) && LIBSSH2_SFTP_S_ISREG(attributes->permissions);
}

#endif
