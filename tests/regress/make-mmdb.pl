#!/usr/bin/perl
# make-mmdb.pl OUT.mmdb - a small MaxMind database for the tests, built at
# test time with Debian's libmaxmind-db-writer-perl (never a downloaded
# database). It holds country and ASN records (GeoLite2-Country and -ASN field
# names) for the public peers of the test captures; the ASNs are from the
# documentation range of RFC 5398.
use strict;
use warnings;
use MaxMind::DB::Writer::Tree;

my $out = shift or die "usage: make-mmdb.pl OUT.mmdb\n";
my %types = (
	country => 'map',
	iso_code => 'utf8_string',
	autonomous_system_number => 'uint32',
	autonomous_system_organization => 'utf8_string',
);
my $tree = MaxMind::DB::Writer::Tree->new(
	ip_version => 6,
	record_size => 24,
	database_type => 'zonewatch-test',
	languages => ['en'],
	description => { en => 'zonewatch test database' },
	map_key_type_callback => sub { $types{ $_[0] } },
	remove_reserved_networks => 0,
);
my @nets = (
	[ '192.150.186.0/24', 'US', 64500, 'Example Vendor Service' ],
	[ '62.122.184.0/24', 'DE', 64501, 'Example Hosting' ],
	[ '198.51.100.0/24', 'NL', 64502, 'Example Remote Support' ],
	[ '95.237.48.0/24', 'IT', 64503, 'Example Broadband' ],
);
for my $n (@nets) {
	$tree->insert_network($n->[0], {
		country => { iso_code => $n->[1] },
		autonomous_system_number => $n->[2],
		autonomous_system_organization => $n->[3],
	});
}
open my $fh, '>:raw', $out or die "$out: $!\n";
$tree->write_tree($fh);
close $fh or die "$out: $!\n";
