#!/usr/bin/perl
# Parses a mailbox (mbox file, Maildir or single message) with Sisimai and prints the
# number of records, so that the benchmark measures the same work bouncekit does.
use strict;
use warnings;
use Sisimai;
my $path = shift or die "usage: $0 MBOX\n";
my $records = Sisimai->make($path) || [];
printf "%d\n", scalar @$records;
