// Every core library compiles this file so that a library whose folder is
// still empty is a valid target and shares the torch precompiled header.
