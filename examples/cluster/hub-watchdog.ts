// Preloaded (`node --import`) into every hub the example starts, so that no hub outlives the example.
// The example holds the write end of the hub's stdin and never writes to it. When the example ends in any
// way, even SIGKILL or a crash that skips every clean-up handler, the operating system closes that pipe,
// stdin ends here, and the hub stops as it does on SIGTERM (streams ended, then exit).
const stopHub = () => process.kill(process.pid, 'SIGTERM');
process.stdin.on('end', stopHub);
process.stdin.on('error', stopHub);
process.stdin.resume();
