package org.portico.fhir.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * CPU time spent serving requests, for per-request cost figures that other processes on the machine
 * do not distort the way they distort throughput: this JVM's threads whose names start with a prefix
 * (Tomcat's request threads) plus the PostgreSQL backends connected to the benchmark's database, read
 * from {@code /proc} (so only when PostgreSQL runs on this machine; {@link #postgresVisible} says).
 * The load generator's threads are not counted.
 */
final class ServerCpu {

    /** Linux's USER_HZ, the unit of utime and stime in /proc/PID/stat, on every common architecture. */
    private static final long CLOCK_TICK_NANOS = 10_000_000L;

    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private final JdbcTemplate jdbc;
    private final String threadPrefix;
    private final boolean postgresVisible;

    ServerCpu(DataSource dataSource, String threadPrefix) {
        this.jdbc = new JdbcTemplate(dataSource);
        this.threadPrefix = threadPrefix;
        this.postgresVisible = backendPids().stream().anyMatch(pid -> Files.isReadable(stat(pid)));
    }

    boolean postgresVisible() {
        return postgresVisible;
    }

    /** CPU nanoseconds of the server threads so far. */
    long jvmNanos() {
        long total = 0;
        for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info != null && info.getThreadName().startsWith(threadPrefix)) {
                long cpu = threads.getThreadCpuTime(info.getThreadId());
                if (cpu > 0) {
                    total += cpu;
                }
            }
        }
        return total;
    }

    /** CPU nanoseconds of the current thread so far. */
    long currentThreadNanos() {
        return threads.getCurrentThreadCpuTime();
    }

    /** CPU nanoseconds of the database's backends so far (0 when they cannot be seen). */
    long postgresNanos() {
        if (!postgresVisible) {
            return 0;
        }
        long ticks = 0;
        for (Integer pid : backendPids()) {
            try {
                String stat = Files.readString(stat(pid));
                // fields after the command name, which is in parentheses and may contain spaces
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime (fields 14 and 15)
            } catch (IOException | RuntimeException gone) {
                // a backend that ended between the query and the read
            }
        }
        return ticks * CLOCK_TICK_NANOS;
    }

    private List<Integer> backendPids() {
        return jdbc.queryForList("SELECT pid FROM pg_stat_activity WHERE datname = current_database()", Integer.class);
    }

    private static Path stat(int pid) {
        return Path.of("/proc", Integer.toString(pid), "stat");
    }
}
