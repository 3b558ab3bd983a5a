//! A look at an .xls container (Compound File Binary) before calamine opens it. calamine follows
//! sector chains without noticing a loop, so a crafted 10 KB file with a chain that points back
//! on itself makes it grow a buffer until memory runs out (found by the fuzz target). Here every
//! chain of the file allocation tables must end: a table whose next-pointers form a cycle is
//! refused, as is a header that does not describe the file.

const SIGNATURE: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
/// Values above this are markers (end of chain, free, FAT or DIFAT sector), not sector numbers.
const MAX_REGULAR: u32 = 0xFFFF_FFFA;
const END_OF_CHAIN: u32 = 0xFFFF_FFFE;
const FREE: u32 = 0xFFFF_FFFF;

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(b.get(at..at + 2)?.try_into().ok()?))
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

/// True when the chains of `table` (entry i = the sector after i) all end: no cycle.
fn acyclic(table: &[u32]) -> bool {
    // 0 unvisited, 1 on the current path, 2 known to end.
    let mut state = vec![0u8; table.len()];
    for start in 0..table.len() {
        let mut path = Vec::new();
        let mut at = start;
        loop {
            match state[at] {
                2 => break,
                1 => return false,
                _ => {}
            }
            state[at] = 1;
            path.push(at);
            let next = table[at];
            if next > MAX_REGULAR || next as usize >= table.len() {
                break;
            }
            at = next as usize;
        }
        for p in path {
            state[p] = 2;
        }
    }
    true
}

/// Whether calamine may open these bytes as an .xls without running away.
pub fn sane(bytes: &[u8]) -> bool {
    check(bytes).is_some()
}

fn check(b: &[u8]) -> Option<()> {
    if b.get(..8)? != SIGNATURE {
        return None;
    }
    let shift = u16_at(b, 0x1E)?;
    if shift != 9 && shift != 12 {
        return None;
    }
    let size = 1usize << shift;
    let sectors = b.len().saturating_sub(size) / size + 1;
    let sector = |n: u32| -> Option<&[u8]> {
        let start = (n as usize + 1).checked_mul(size)?;
        b.get(start..start + size)
    };
    let fat_count = u32_at(b, 0x2C)? as usize;
    if fat_count > sectors {
        return None;
    }
    // Where the FAT sectors are: 109 in the header, the rest in the DIFAT chain.
    let mut fat_sectors: Vec<u32> = (0..109)
        .filter_map(|i| u32_at(b, 0x4C + 4 * i))
        .filter(|&s| s <= MAX_REGULAR)
        .collect();
    let mut difat = u32_at(b, 0x44)?;
    let mut seen = 0usize;
    while difat <= MAX_REGULAR {
        seen += 1;
        if seen > sectors {
            return None;
        }
        let s = sector(difat)?;
        let per = size / 4 - 1;
        fat_sectors.extend(
            (0..per)
                .filter_map(|i| u32_at(s, 4 * i))
                .filter(|&x| x <= MAX_REGULAR),
        );
        difat = u32_at(s, 4 * per)?;
    }
    fat_sectors.truncate(fat_count);
    let mut fat = Vec::with_capacity(fat_sectors.len() * size / 4);
    for &f in &fat_sectors {
        let s = sector(f)?;
        fat.extend((0..size / 4).filter_map(|i| u32_at(s, 4 * i)));
    }
    if !acyclic(&fat) {
        return None;
    }
    // The mini FAT, read along its (now known to end) chain in the FAT.
    let mut mini = Vec::new();
    let mut at = u32_at(b, 0x3C)?;
    while at <= MAX_REGULAR && at != END_OF_CHAIN && at != FREE {
        let s = sector(at)?;
        mini.extend((0..size / 4).filter_map(|i| u32_at(s, 4 * i)));
        at = *fat.get(at as usize)?;
    }
    acyclic(&mini).then_some(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cycles_are_found() {
        assert!(acyclic(&[1, 2, END_OF_CHAIN, FREE]));
        assert!(!acyclic(&[1, 2, 0]));
        assert!(!acyclic(&[END_OF_CHAIN, 1]));
        assert!(acyclic(&[7, END_OF_CHAIN]), "out of range ends the walk");
    }

    #[test]
    fn a_real_xls_passes_and_a_looping_one_does_not() {
        let good = include_bytes!("../testdata/children.xls");
        assert!(sane(good));
        // Point the directory's first sector at itself in the FAT.
        let mut bad = good.to_vec();
        let size = 1usize << u16_at(&bad, 0x1E).unwrap();
        let dir = u32_at(&bad, 0x30).unwrap() as usize;
        let fat0 = u32_at(&bad, 0x4C).unwrap() as usize;
        let entry = (fat0 + 1) * size + 4 * dir;
        bad[entry..entry + 4].copy_from_slice(&(dir as u32).to_le_bytes());
        assert!(!sane(&bad));
        assert!(!sane(&good[..100]));
    }

    #[test]
    fn the_fuzzers_file_is_refused_at_once() {
        // Found by fuzz/read_sheet: made calamine allocate 2 GB.
        let bytes = include_bytes!("../testdata/looping_chain.xls");
        assert!(!sane(bytes));
        let t = crate::Template::new("x", vec![crate::Column::new("姓名")]);
        assert_eq!(
            crate::read_rows(&t, bytes, "x.xls").unwrap_err().code(),
            "sheet_unreadable"
        );
    }
}
