// Software prefetch for panel-reads.swift (Swift has no prefetch intrinsic).
static inline void panel_reads_prefetch(const void *address) { __builtin_prefetch(address, 0, 3); }
