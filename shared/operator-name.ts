/** An operator's name (`warden serve --operator`, the console's question): recorded in the history as "NAME via warden serve". */
export const OPERATOR_NAME = /^[\p{L}\p{N}][\p{L}\p{N} ._'@-]{0,63}$/u;
export const OPERATOR_NAME_RULE = "a name of 1 to 64 letters, digits, spaces or . _ ' @ - (starting with a letter or digit)";
