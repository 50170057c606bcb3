// Static builds: libarchive's table of writers names the xar writer, which
// needs libxml2 (and ICU: +35 MB). The payload only ever writes pax tar, so
// this stand-in takes its place; kha_libarchive forces it into the link
// (-Wl,--undefined) ahead of libarchive.a's own object.
#include <archive.h>

#include <cerrno>

extern "C" int archive_write_set_format_xar(struct archive* writer) {
  archive_set_error(writer, ENOSYS, "xar archives are not supported by kha");
  return ARCHIVE_FATAL;
}
