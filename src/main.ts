// Composition root (placeholder until the HTTP service lands): `npm start` runs this file.
console.log('paystream: service not wired yet');
