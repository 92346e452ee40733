# Warnings and sanitizers are interface targets so every target opts in the same way.
add_library(vidsplit_warnings INTERFACE)
target_compile_options(vidsplit_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wold-style-cast -Wcast-align
  -Woverloaded-virtual -Wconversion -Wno-sign-conversion -Wformat=2)

add_library(vidsplit_sanitizers INTERFACE)
if(VIDSPLIT_SANITIZE)
  target_compile_options(vidsplit_sanitizers INTERFACE
    -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  target_link_options(vidsplit_sanitizers INTERFACE -fsanitize=address,undefined)
endif()
