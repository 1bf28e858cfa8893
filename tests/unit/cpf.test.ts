import { formatCpf, isValidCpf, maskCpf, normaliseCpf } from '../../src/shared/cpf';

describe('CPF', () => {
  it.each(['529.982.247-25', '52998224725', '111.444.777-35'])('accepts %s', (cpf) => {
    expect(isValidCpf(cpf)).toBe(true);
  });

  it.each(['529.982.247-24', '11111111111', '1234567890', '5299822472a', ''])('rejects %s', (cpf) => {
    expect(isValidCpf(cpf)).toBe(false);
  });

  it('normalises, formats and masks', () => {
    expect(normaliseCpf('529.982.247-25')).toBe('52998224725');
    expect(formatCpf('52998224725')).toBe('529.982.247-25');
    expect(maskCpf('52998224725')).toBe('***.982.247-**');
  });
});
