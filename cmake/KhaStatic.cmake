# kha_executable(NAME ...) marks an executable that ships on target hosts:
# with KHA_STATIC it links fully statically and stripped, and any glibc warning
# about run-time shared libraries (NSS, dlopen) fails the link.
#
# The functions below would load the host's NSS modules or shared objects at
# run time; -Wl,--wrap sends every call to the __wrap_ versions in
# common/no_nss.cc (numeric addresses only, no dynamic loading). The
# --undefined makes the linker take no_nss.o from kha_common before the
# libraries that call them (libcrypto, libc) are scanned.
set(KHA_WRAPPED_SYMBOLS
    getaddrinfo freeaddrinfo getnameinfo gethostbyname dlopen dlsym dladdr dlclose dlerror)

function(kha_executable target)
  if(KHA_STATIC)
    set(wraps)
    foreach(symbol ${KHA_WRAPPED_SYMBOLS})
      list(APPEND wraps -Wl,--wrap=${symbol} -Wl,--undefined=__wrap_${symbol})
    endforeach()
    # GCC asks for --eh-frame-hdr only in dynamic links; without the lookup
    # table the first C++ exception sorts every unwind entry (~5 ms here).
    set(strip)
    if(KHA_STRIP)
      set(strip -s)
    endif()
    target_link_options(${target} PRIVATE
      -static ${strip} -Wl,--gc-sections -Wl,--eh-frame-hdr -Wl,--fatal-warnings ${wraps})
    target_link_libraries(${target} PRIVATE kha_common)
  endif()
endfunction()
