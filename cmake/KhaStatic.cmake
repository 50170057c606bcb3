# kha_executable(NAME ...) marks an executable that ships on target hosts:
# with KHA_STATIC it links fully statically and any glibc warning about
# run-time shared libraries (NSS, dlopen) fails the link.
function(kha_executable target)
  if(KHA_STATIC)
    target_link_options(${target} PRIVATE -static -Wl,--gc-sections -Wl,--fatal-warnings)
    target_compile_options(${target} PRIVATE -ffunction-sections -fdata-sections)
  endif()
endfunction()
