import { ConfigError, loadConfig } from '../../src/config';

describe('DIRECTLINE_STREAM_RECHECK_SECONDS (the streams’ safety-net re-read)', () => {
  it('defaults to 30 s and takes whole seconds from 1 to 3600', () => {
    expect(loadConfig({}).directline.streamRecheckSeconds).toBe(30);
    expect(loadConfig({ DIRECTLINE_STREAM_RECHECK_SECONDS: '600' }).directline.streamRecheckSeconds).toBe(600);
  });

  it.each(['0', '3601', '1.5', 'often'])('refuses %p, naming the variable', (value) => {
    expect(() => loadConfig({ DIRECTLINE_STREAM_RECHECK_SECONDS: value })).toThrow(ConfigError);
    expect(() => loadConfig({ DIRECTLINE_STREAM_RECHECK_SECONDS: value })).toThrow(/DIRECTLINE_STREAM_RECHECK_SECONDS/);
  });
});
