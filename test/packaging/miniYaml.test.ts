import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseYaml } from './miniYaml.js';

describe('miniYaml (the compose.yaml subset)', () => {
  it('reads nested mappings, sequences of scalars and of mappings, and comments', () => {
    const text = [
      '# top comment',
      'a:',
      '  b: plain value # trailing comment',
      '  url: http://x:1/#frag',
      '  list:',
      '    - one',
      '    - "two: quoted"',
      '  items:',
      '    - name: first',
      '      n: 1',
      '    - name: second',
      'empty:',
    ].join('\n');
    assert.deepEqual(parseYaml(text), {
      a: {
        b: 'plain value',
        url: 'http://x:1/#frag',
        list: ['one', 'two: quoted'],
        items: [{ name: 'first', n: '1' }, { name: 'second' }],
      },
      empty: '',
    });
  });

  it('reads flow collections, also across lines with a trailing comma, in both quote styles', () => {
    const text = [
      't: ["a", \'it\'\'s\', plain, {k: "v"}]',
      'u:',
      '  [',
      '    "x # not a comment",',
      '    "y",',
      '  ]',
    ];
    assert.deepEqual(parseYaml(text.join('\n')), {
      t: ['a', "it's", 'plain', { k: 'v' }],
      u: ['x # not a comment', 'y'],
    });
  });

  it('rejects what it does not understand instead of guessing', () => {
    assert.throws(() => parseYaml('a: &anchor 1'), /not supported/);
    assert.throws(() => parseYaml('a: |\n  text'), /not supported/);
    assert.throws(() => parseYaml('a: 1\na: 2'), /duplicate key/);
    assert.throws(() => parseYaml('a: 1\n    b: 2'), /indentation/);
    assert.throws(() => parseYaml('a: ["x" "y"]'), /expected ,/);
  });
});
