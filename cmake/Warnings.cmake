# Warnings and sanitizers are interface targets so every target opts in the same way.
add_library(vidsplit_warnings INTERFACE)
target_compile_options(vidsplit_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wold-style-cast -Wcast-align
  -Woverloaded-virtual -Wconversion -Wno-sign-conversion -Wformat=2)

# Sanitizer builds compile at -O1 (after the build type's -O3, so it wins): the level ASan recommends for
# readable reports, and it roughly halves their compile time in CI.
add_library(vidsplit_sanitizers INTERFACE)
if(VIDSPLIT_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "VIDSPLIT_FUZZ needs clang (libFuzzer): configure with -DCMAKE_CXX_COMPILER=clang++")
  endif()
  # Coverage instrumentation everywhere; libFuzzer's main is linked into the fuzz targets only.
  target_compile_options(vidsplit_sanitizers INTERFACE -O1
    -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  target_link_options(vidsplit_sanitizers INTERFACE -fsanitize=address,undefined)
elseif(VIDSPLIT_SANITIZE)
  target_compile_options(vidsplit_sanitizers INTERFACE -O1
    -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  target_link_options(vidsplit_sanitizers INTERFACE -fsanitize=address,undefined)
endif()
