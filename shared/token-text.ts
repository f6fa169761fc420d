// What a `warden serve` token may be: what an agent accepts from --token-file or $WARDEN_TOKEN,
// and what a fleet sends in an Authorization header (which takes no line breaks or non-ASCII).

export const TOKEN_TEXT = /^[A-Za-z0-9._~+/=-]{16,512}$/;
export const TOKEN_TEXT_RULE = '16 to 512 letters, digits or . _ ~ + / = - on one line';
