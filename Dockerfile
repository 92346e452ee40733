# vidsplit as a container image (Debian 12), for the Kubernetes recipe in the README and any other cluster.
#   docker build -t vidsplit .
#   docker run --rm -v "$PWD/data:/data" vidsplit run /data/videos -o /data/out
# Two stages: `build` installs scripts/common.sh's packages (compilers and -dev packages) and builds the binary;
# the runtime stage installs only the packages of the shared libraries the binary links, whose dependencies
# bring the rest (about 150 libraries in all). scripts/check_container_libs.sh, run by the test suite, checks
# both package lists against scripts/common.sh and against `ldd build/vidsplit`.
FROM debian:bookworm-slim AS build
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      cmake g++ make pkg-config \
      libavformat-dev libavcodec-dev libavutil-dev libswscale-dev \
      libopencv-dev libboost-program-options-dev libfmt-dev doctest-dev nlohmann-json3-dev \
      pybind11-dev python3-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY CMakeLists.txt ./
COPY cmake cmake
COPY include include
COPY src src
COPY bench bench
RUN cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DVIDSPLIT_BUILD_TESTS=OFF \
 && cmake --build build -j "$(nproc)" --target vidsplit

FROM debian:bookworm-slim
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      libavformat59 libavcodec59 libavutil57 libswscale6 \
      libopencv-core406 libopencv-imgproc406 libboost-program-options1.74.0 libfmt9 \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build /src/build/vidsplit /usr/local/bin/vidsplit
# No USER: the uid that writes to the shared volume is the cluster's choice (Kubernetes: securityContext.runAsUser);
# vidsplit itself needs no privileges.
ENTRYPOINT ["vidsplit"]
CMD ["--help"]
