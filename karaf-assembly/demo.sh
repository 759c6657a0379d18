#!/usr/bin/env bash
# Sets up a working confine-oob node on this Debian machine (as root) and deploys a demo sliver:
# installs the packages, builds the distribution, unpacks it in /opt/confine-oob, creates a busybox
# container "demo" if there is none, starts Karaf and deploys the sliver with a demo admin key.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
node=${CONFINE_OOB_HOME:-/opt/confine-oob}
slice=${DEMO_SLICE:-demo}
key=${DEMO_KEY:-$HOME/.ssh/confine-oob-demo}

[ "$(id -u)" -eq 0 ] || { echo "demo.sh: run me as root (I create users, mounts and containers)" >&2; exit 1; }

echo "== packages"
bash "$repo/.ci/packages"

echo "== build"
(cd "$repo" && mvn -B -q -Dstyle.color=never -DskipTests install)

echo "== distribution in $node"
if [ -x "$node/bin/stop" ] && [ -S /run/confine-oob/control.sock ]; then
    "$node/bin/stop" || true
    for _ in $(seq 60); do [ -S /run/confine-oob/control.sock ] && "$node/bin/oob" oob:list >/dev/null 2>&1 || break; sleep 1; done
fi
mkdir -p "$node"
tar -xzf "$repo"/karaf-assembly/target/eu.confine.oob.karaf-assembly-*.tar.gz -C "$node" --strip-components=1

echo "== container $slice"
if ! lxc-info -n "$slice" >/dev/null 2>&1; then
    lxc-create -n "$slice" -t busybox >/dev/null
    config=/var/lib/lxc/$slice/config
    sed -i -e '/^lxc\.net\.0\./d' -e 's/^lxc\.apparmor\.profile = .*/lxc.apparmor.profile = unconfined/' "$config"
    echo "lxc.net.0.type = empty" >> "$config"
fi
lxc-info -n "$slice" -s | grep -q RUNNING || { lxc-start -n "$slice" -d && lxc-wait -n "$slice" -s RUNNING -t 10; }

echo "== demo admin key $key"
mkdir -p "$(dirname "$key")"
[ -f "$key" ] || ssh-keygen -q -t ed25519 -N '' -C "demo-admin@$(hostname)" -f "$key"

echo "== Karaf"
"$node/bin/start"
for _ in $(seq 120); do
    "$node/bin/oob" oob:list >/dev/null 2>&1 && break
    sleep 1
done
"$node/bin/oob" oob:deploy --keys-file "$key.pub" "$slice"
"$node/bin/oob" oob:list

port=$(sed -n 's/^port *= *//p' "$node/etc/eu.confine.oob.sshd.cfg")
opts="-i $key -o IdentitiesOnly=yes -o StrictHostKeyChecking=accept-new"
cat <<TEXT

The node runs. Sliver "$slice" is deployed: user $slice, home /home/$slice, the container's /tmp on /home/$slice/tmp.
Paste these (as the slice administrator, with the demo key):

  ssh -p $port $opts $slice@127.0.0.1                       # console; Ctrl-a q detaches
  ssh -p $port $opts $slice@127.0.0.1 'uname -a; ls /tmp'   # a command inside the sliver
  echo hello > /tmp/hello.txt; scp -P $port $opts /tmp/hello.txt $slice@127.0.0.1:tmp/
  scp -P $port $opts $slice@127.0.0.1:tmp/hello.txt /tmp/back.txt
  sftp -P $port $opts $slice@127.0.0.1
  mkdir -p /mnt/$slice && sshfs -p $port -o IdentityFile=$key,StrictHostKeyChecking=accept-new $slice@127.0.0.1:tmp /mnt/$slice

Operator: $node/bin/oob oob:list | oob:info $slice | oob:sessions | oob:status | oob:remove $slice; $node/bin/stop
TEXT
