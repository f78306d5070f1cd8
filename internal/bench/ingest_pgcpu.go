package bench

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"
)

// On PostgreSQL the database's own work per note (the search trigger, the
// indexes, the commits) is CPU of its backends, not of this process; the
// report adds it when the server runs on this machine. The run's
// connections carry an application_name of their own, so that other
// clients of the same server (other tests) are not counted. What the
// server's shared processes (WAL writer, checkpointer) spend is not in
// it.

// ingestAppName names this process's connections.
func ingestAppName() string { return "agora-bench-ingest-" + strconv.Itoa(os.Getpid()) }

// withAppName sets application_name on a PostgreSQL URL.
func withAppName(dbURL, name string) (string, error) {
	u, err := url.Parse(dbURL)
	if err != nil {
		return "", err
	}
	q := u.Query()
	q.Set("application_name", name)
	u.RawQuery = q.Encode()
	return u.String(), nil
}

// backendCPU is the CPU time of the backends serving name's connections,
// by pid; ok is false when they cannot be read (a remote server).
func backendCPU(ctx context.Context, d *sql.DB, name string) (cpu map[int]time.Duration, ok bool) {
	rows, err := d.QueryContext(ctx, `SELECT pid FROM pg_stat_activity WHERE application_name = $1`, name)
	if err != nil {
		return nil, false
	}
	defer rows.Close()
	cpu = map[int]time.Duration{}
	for rows.Next() {
		var pid int
		if err := rows.Scan(&pid); err != nil {
			return nil, false
		}
		t, err := procCPU(pid)
		if err != nil {
			return nil, false
		}
		cpu[pid] = t
	}
	return cpu, rows.Err() == nil && len(cpu) > 0
}

// clockTicks is the unit of /proc/PID/stat's times (USER_HZ, 100 on
// Linux).
const clockTicks = 100

// procCPU is a process's user and system CPU time from /proc/PID/stat.
func procCPU(pid int) (time.Duration, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	// The command is in parentheses and may hold spaces: fields count
	// from after its closing one (utime and stime are fields 14 and 15).
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(f) < 13 {
		return 0, fmt.Errorf("/proc/%d/stat: %d fields", pid, len(f))
	}
	u, err1 := strconv.ParseInt(f[11], 10, 64)
	sy, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("/proc/%d/stat: times", pid)
	}
	return time.Duration(u+sy) * time.Second / clockTicks, nil
}

// backendCPUSince is the CPU the backends used since before (backends
// opened since count from zero; one closed meanwhile is lost, and the
// pool keeps its connections).
func backendCPUSince(ctx context.Context, d *sql.DB, name string, before map[int]time.Duration) (time.Duration, bool) {
	now, ok := backendCPU(ctx, d, name)
	if !ok {
		return 0, false
	}
	var sum time.Duration
	for pid, t := range now {
		sum += t - before[pid]
	}
	return sum, true
}
