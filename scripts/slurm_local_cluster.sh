#!/usr/bin/env bash
# A real one-node Slurm cluster on this machine from Debian's packages (issue 15 item 3), for trying
# `tools/reproduce.py SPEC --backend slurm` and for tests/test_slurm_cluster.py. Runs as root without
# systemd (a container): every daemon is started directly and keeps its state, logs and pid file in DIR.
#
#   bash scripts/slurm_local_cluster.sh install            # apt-get: slurm-wlm slurmdbd munge mariadb-server
#   bash scripts/slurm_local_cluster.sh start [--dir DIR]  # munged, mariadbd, slurmdbd, slurmctld, slurmd
#   export SLURM_CONF=DIR/slurm.conf                       # (start prints it) then sbatch/squeue/sacct/scancel
#   bash scripts/slurm_local_cluster.sh status [--dir DIR]
#   bash scripts/slurm_local_cluster.sh stop [--dir DIR] [--keep]   # cancels the jobs, stops, removes DIR
#
# The cluster: controller and node daemon on 127.0.0.1, one node with this machine's CPUs and memory
# (`slurmd -C`), one partition (default `cpu`). sacct needs the accounting daemon (slurmdbd) and its
# database (slurmdbd 22.05 stores only in MySQL/MariaDB; without it `sacct -j` answers "accounting storage is
# disabled"), so a private mariadbd on 127.0.0.1 holds it. No cgroups in a container: proctrack/linuxproc,
# task/none. Memory is not a consumable (CR_CPU): jobs share the node's memory, one CPU each by default.
#
# Environment: SLURM_LOCAL_DIR (default /tmp/tricks_mm_slurm), SLURM_LOCAL_PARTITION (cpu),
# SLURM_LOCAL_PORT (6817: slurmctld; slurmd, slurmdbd and mariadbd take the next three ports).
set -euo pipefail

usage() { sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit "${1:-2}"; }

cmd=${1:-}
[ -n "$cmd" ] || usage
shift
DIR=${SLURM_LOCAL_DIR:-/tmp/tricks_mm_slurm}
KEEP=0
while [ $# -gt 0 ]; do
    case $1 in
        --dir) DIR=${2:?--dir needs a folder}; shift 2 ;;
        --keep) KEEP=1; shift ;;
        -h|--help) usage 0 ;;
        *) echo "error: unknown option $1 (see --help)" >&2; exit 2 ;;
    esac
done
case $DIR in /*) ;; *) DIR=$PWD/$DIR ;; esac
PARTITION=${SLURM_LOCAL_PARTITION:-cpu}
PORT=${SLURM_LOCAL_PORT:-6817}
CLUSTER=tricksmm
MARKER=$DIR/.slurm_local_cluster  # only a folder holding it is ever removed by `stop`
SOCKET=$DIR/munge/munge.socket.2
DB_SOCKET=$DIR/mysqld.sock
export SLURM_CONF=$DIR/slurm.conf  # slurmdbd reads slurmdbd.conf from the same folder
PACKAGES=(slurm-wlm slurmdbd munge mariadb-server mariadb-client)
DAEMONS=(munged mariadbd slurmdbd slurmctld slurmd)  # start order; stop goes backwards

die() { echo "error: $*" >&2; exit 1; }
say() { echo "[slurm_local_cluster] $*"; }

need_root() { [ "$(id -u)" = 0 ] || die "$1 needs root (daemons run as root here; sudo bash $0 $cmd)"; }

have_packages() {
    local b
    for b in slurmctld slurmd slurmdbd sbatch sacct munged mariadbd mariadb-install-db mariadb; do
        command -v "$b" >/dev/null 2>&1 || return 1
    done
}

do_install() {
    if have_packages; then
        say "installed: $(slurmctld -V), munge $(munged -V 2>&1 | awk '{print $1}'), $(mariadbd --version | awk '{print $3}')"
        return
    fi
    need_root install
    command -v apt-get >/dev/null || die "no apt-get: install ${PACKAGES[*]} with this system's package manager"
    apt-get update -qq
    # no service is started by the packages in a container (no systemd, policy-rc.d); `start` runs them
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${PACKAGES[@]}" >/dev/null
    have_packages || die "apt-get installed ${PACKAGES[*]} but a daemon is still missing from PATH"
    say "installed: $(slurmctld -V)"
}

pid_of() {  # the pid recorded for a daemon, if that process is alive and is that daemon
    local file=$DIR/$1.pid pid
    [ -f "$file" ] || return 1
    pid=$(cat "$file" 2>/dev/null) || return 1
    [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
    [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "$1" ] || return 1  # not a reused pid
    ! grep -q '^State:.*Z' "/proc/$pid/status" 2>/dev/null || return 1  # exited, not yet reaped
    echo "$pid"
}

wait_for() {  # wait_for SECONDS WHAT COMMAND...: poll until COMMAND succeeds
    local seconds=$1 what=$2 i
    shift 2
    for ((i = 0; i < seconds * 4; i++)); do
        "$@" >/dev/null 2>&1 && return 0
        sleep 0.25
    done
    die "$what did not come up in ${seconds}s; see $DIR/log/"
}

write_configs() {
    local host node cpus mem
    host=$(hostname -s)
    node=$(slurmd -C | head -1)
    cpus=$(sed -n 's/.*CPUs=\([0-9]*\).*/\1/p' <<<"$node")
    mem=$(sed -n 's/.*RealMemory=\([0-9]*\).*/\1/p' <<<"$node")
    [ -n "$cpus" ] && [ -n "$mem" ] || die "cannot read CPUs/RealMemory from 'slurmd -C': $node"
    cat >"$DIR/slurm.conf" <<EOF
# written by scripts/slurm_local_cluster.sh: a one-node cluster on this machine
ClusterName=$CLUSTER
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$PORT
SlurmdPort=$((PORT + 1))
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$SOCKET
SlurmUser=root
SlurmdUser=root
StateSaveLocation=$DIR/state
SlurmdSpoolDir=$DIR/spool
SlurmctldPidFile=$DIR/slurmctld.pid
SlurmdPidFile=$DIR/slurmd.pid
SlurmctldLogFile=$DIR/log/slurmctld.log
SlurmdLogFile=$DIR/log/slurmd.log
MailProg=/bin/true
# no cgroups in a container
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/linux
MpiDefault=none
SwitchType=switch/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=2
MinJobAge=600
KillWait=10
# sacct: jobs are recorded by slurmdbd (its own munge socket is given as AccountingStoragePass)
AccountingStorageType=accounting_storage/slurmdbd
AccountingStorageHost=127.0.0.1
AccountingStoragePort=$((PORT + 2))
AccountingStoragePass=$SOCKET
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=$PARTITION Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF
    cat >"$DIR/slurmdbd.conf" <<EOF
# written by scripts/slurm_local_cluster.sh
AuthType=auth/munge
AuthInfo=socket=$SOCKET
DbdHost=localhost
DbdAddr=127.0.0.1
DbdPort=$((PORT + 2))
SlurmUser=root
LogFile=$DIR/log/slurmdbd.log
PidFile=$DIR/slurmdbd.pid
StorageType=accounting_storage/mysql
StorageHost=127.0.0.1
StoragePort=$((PORT + 3))
StorageUser=slurm
StoragePass=slurm
StorageLoc=slurm_acct_db
EOF
    chmod 600 "$DIR/slurmdbd.conf"  # slurmdbd refuses a readable one (it holds the database password)
}

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

start_munged() {
    if [ ! -f "$DIR/munge/munge.key" ]; then
        dd if=/dev/urandom of="$DIR/munge/munge.key" bs=1024 count=1 status=none
        chmod 400 "$DIR/munge/munge.key"
    fi
    munged --force --socket="$SOCKET" --key-file="$DIR/munge/munge.key" --pid-file="$DIR/munged.pid" \
        --log-file="$DIR/log/munged.log" --seed-file="$DIR/munge/munged.seed" </dev/null
    wait_for 10 munged bash -c "munge -S '$SOCKET' -n | unmunge -S '$SOCKET'"
}

start_mariadbd() {
    if [ ! -d "$DIR/db/mysql" ]; then
        mariadb-install-db --no-defaults --datadir="$DIR/db" --user=root --auth-root-authentication-method=normal \
            --skip-test-db >"$DIR/log/mariadb-install-db.log" 2>&1 || die "mariadb-install-db failed: $DIR/log/mariadb-install-db.log"
    fi
    # mariadbd does not daemonise itself: a session of its own, no terminal, output to its log
    setsid mariadbd --no-defaults --datadir="$DIR/db" --socket="$DB_SOCKET" --port=$((PORT + 3)) \
        --bind-address=127.0.0.1 --skip-name-resolve --user=root --pid-file="$DIR/mariadbd.pid" \
        --log-error="$DIR/log/mariadbd.log" --innodb-use-native-aio=0 --innodb-buffer-pool-size=128M \
        --innodb-lock-wait-timeout=900 </dev/null >>"$DIR/log/mariadbd.log" 2>&1 &
    wait_for 60 mariadbd mariadb-admin --no-defaults -S "$DB_SOCKET" -uroot ping
    mariadb --no-defaults -S "$DB_SOCKET" -uroot -e "CREATE USER IF NOT EXISTS 'slurm'@'127.0.0.1' IDENTIFIED BY 'slurm';
        GRANT ALL ON slurm_acct_db.* TO 'slurm'@'127.0.0.1'; FLUSH PRIVILEGES;"
}

do_start() {
    need_root start
    have_packages || die "Slurm is not installed: bash $0 install"
    if pid_of slurmctld >/dev/null && pid_of slurmd >/dev/null; then
        say "already running in $DIR"
        print_env
        return
    fi
    local d p
    for d in mariadbd slurmdbd slurmctld slurmd; do  # a daemon left from a half start keeps its port
        case $d in slurmctld) p=$PORT ;; slurmd) p=$((PORT + 1)) ;; slurmdbd) p=$((PORT + 2)) ;; *) p=$((PORT + 3)) ;; esac
        pid_of "$d" >/dev/null || port_free "$p" || \
            die "port $p on 127.0.0.1 ($d) is taken (another cluster? 'bash $0 status'); choose other ports with SLURM_LOCAL_PORT=N"
    done
    mkdir -p "$DIR"/{munge,state,spool,db,log}
    touch "$MARKER"
    chmod 755 "$DIR"
    chmod 700 "$DIR/munge"
    write_configs
    pid_of munged >/dev/null || start_munged
    pid_of mariadbd >/dev/null || start_mariadbd
    pid_of slurmdbd >/dev/null || slurmdbd </dev/null
    wait_for 60 slurmdbd sacctmgr -i -n list cluster
    # slurmctld registers the cluster with slurmdbd itself on its first start
    pid_of slurmctld >/dev/null || slurmctld </dev/null
    wait_for 60 slurmctld bash -c "scontrol ping | grep -q UP"
    pid_of slurmd >/dev/null || slurmd </dev/null
    wait_for 60 "slurmd (node idle)" bash -c "sinfo -h -p '$PARTITION' -o %T | grep -qx idle"
    wait_for 30 "the cluster's accounting" bash -c "sacctmgr -n -P list cluster format=cluster | grep -qx $CLUSTER"
    say "started: partition $PARTITION on $(hostname -s): $(sinfo -h -o '%c CPUs, %m MB')"
    print_env
}

print_env() { say "use it with: export SLURM_CONF=$SLURM_CONF"; }

do_status() {
    local d pid up=0
    for d in "${DAEMONS[@]}"; do
        if pid=$(pid_of "$d"); then
            printf '%-10s running (pid %s)\n' "$d" "$pid"
            up=$((up + 1))
        else
            printf '%-10s stopped\n' "$d"
        fi
    done
    [ "$up" -eq "${#DAEMONS[@]}" ] || { echo "cluster in $DIR: not running"; return 3; }
    echo "cluster in $DIR (SLURM_CONF=$SLURM_CONF):"
    sinfo
    squeue
}

stop_daemon() {  # TERM, then KILL after 20 s; only the pid this script recorded
    local d=$1 pid i
    pid=$(pid_of "$d") || return 0
    kill "$pid" 2>/dev/null || return 0
    for ((i = 0; i < 80; i++)); do
        kill -0 "$pid" 2>/dev/null || break
        grep -q '^State:.*Z' "/proc/$pid/status" 2>/dev/null && break  # exited, not yet reaped
        sleep 0.25
    done
    if kill -0 "$pid" 2>/dev/null && ! grep -q '^State:.*Z' "/proc/$pid/status" 2>/dev/null; then
        kill -9 "$pid" 2>/dev/null || true
    fi
    say "stopped $d (pid $pid)"
}

do_stop() {
    need_root stop
    [ -d "$DIR" ] || { say "nothing in $DIR"; return 0; }
    [ -f "$MARKER" ] || die "$DIR was not made by this script (no $(basename "$MARKER")); not touching it"
    local i
    if pid_of slurmctld >/dev/null; then
        # the jobs first, so that no job step outlives the daemons
        scancel --quiet --full "--partition=$PARTITION" 2>/dev/null || true
        for ((i = 0; i < 120; i++)); do
            [ -z "$(squeue -h -t RUNNING,COMPLETING,PENDING -o %i 2>/dev/null)" ] && break
            sleep 0.25
        done
    fi
    for ((i = ${#DAEMONS[@]} - 1; i >= 0; i--)); do
        stop_daemon "${DAEMONS[i]}"
    done
    if [ "$KEEP" = 1 ]; then
        say "kept $DIR (logs in $DIR/log)"
    else
        rm -rf "$DIR"
        say "removed $DIR"
    fi
}

case $cmd in
    install) do_install ;;
    start) do_start ;;
    stop) do_stop ;;
    status) do_status ;;
    -h|--help|help) usage 0 ;;
    *) echo "error: unknown subcommand '$cmd'" >&2; usage ;;
esac
