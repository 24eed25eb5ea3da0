## bench/: `make bench` - throughput against a bare libpcap loop (never a timed test)
EXTRA_PROGRAMS = %reldir%/gen_otmix %reldir%/pcap_count
%canon_reldir%_gen_otmix_SOURCES = %reldir%/gen_otmix.c
%canon_reldir%_pcap_count_SOURCES = %reldir%/pcap_count.c
%canon_reldir%_pcap_count_LDADD = $(PCAP_LIBS)
EXTRA_DIST += %reldir%/run.sh

# The synthetic OT mix (11 M packets, about 290 k flows, 1.7 GB) is written to bench/out/
# once and reused while the generator is unchanged.
bench: zonewatch$(EXEEXT) %reldir%/gen_otmix$(EXEEXT) %reldir%/pcap_count$(EXEEXT)
	$(SHELL) $(srcdir)/%reldir%/run.sh ./zonewatch$(EXEEXT) %reldir%/pcap_count$(EXEEXT) \
		%reldir%/gen_otmix$(EXEEXT) %reldir%/out

clean-local: clean-bench
clean-bench:
	-rm -rf %reldir%/out

.PHONY: bench clean-bench
