module tidings.bench/delivery/loadgen

go 1.19
