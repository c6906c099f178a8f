<?php
// This file is part of Moodle - https://moodle.org/
//
// Moodle is free software: you can redistribute it and/or modify
// it under the terms of the GNU General Public License as published by
// the Free Software Foundation, either version 3 of the License, or
// (at your option) any later version.
//
// Moodle is distributed in the hope that it will be useful,
// but WITHOUT ANY WARRANTY; without even the implied warranty of
// MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE.  See the
// GNU General Public License for more details.
//
// You should have received a copy of the GNU General Public License
// along with Moodle.  If not, see <https://www.gnu.org/licenses/>.

namespace local_cooperare\local;

use invalid_parameter_exception;
use stdClass;

/**
 * The questions of a feedback activity (mod_feedback), given as JSON:
 * [{type: rating|text|choice, label, text, choices? (choice only), required?}].
 *
 * A "rating" is a rated multiple choice (1 to 5), a "text" a long text answer, a "choice" one answer out of the
 * given choices (an unrated multiple choice, radio buttons). Items are matched by label, so a
 * changed text keeps the answers already given; items no longer listed are deleted with their answers.
 *
 * @package    local_cooperare
 * @copyright  2026 Asociația Comunelor din România
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */
class feedback_items {
    /** @var string Presentation of a 1-5 rating (rated multiple choice, radio buttons). */
    private const RATING_PRESENTATION = 'r>>>>>1####1|2####2|3####3|4####4|5####5';

    /** @var int At most this many choices in a "choice" item. */
    private const MAX_CHOICES = 100;

    /** @var string Presentation of a text answer (width|height). */
    private const TEXT_PRESENTATION = '60|5';

    /**
     * Parse and check the JSON of the 'items' option.
     *
     * @param string $json
     * @param string $what item description for error messages
     * @return array list of [type, label, text, choices, required]
     */
    public static function parse(string $json, string $what): array {
        $data = json_decode($json, true);
        if (!is_array($data) || ($data && array_keys($data) !== range(0, count($data) - 1))) {
            throw new invalid_parameter_exception("{$what}: option 'items' must be a JSON list");
        }
        $items = [];
        $labels = [];
        foreach ($data as $i => $entry) {
            $where = "{$what}: feedback item " . ($i + 1);
            if (!is_array($entry)) {
                throw new invalid_parameter_exception("{$where} must be an object");
            }
            $unknown = array_diff(array_keys($entry), ['type', 'label', 'text', 'choices', 'required']);
            if ($unknown) {
                throw new invalid_parameter_exception("{$where}: unknown key '" . reset($unknown) . "'");
            }
            $type = $entry['type'] ?? null;
            if ($type !== 'rating' && $type !== 'text' && $type !== 'choice') {
                throw new invalid_parameter_exception("{$where}: type must be 'rating', 'text' or 'choice'");
            }
            $label = $entry['label'] ?? null;
            if (!is_string($label) || trim($label) === '' || \core_text::strlen($label) > 255) {
                throw new invalid_parameter_exception("{$where}: label must be a non-empty string of at most 255 "
                    . 'characters');
            }
            if (isset($labels[$label])) {
                throw new invalid_parameter_exception("{$where}: label '{$label}' is used twice");
            }
            $labels[$label] = true;
            $text = $entry['text'] ?? null;
            if (!is_string($text) || trim($text) === '' || \core_text::strlen($text) > 255) {
                throw new invalid_parameter_exception("{$where}: text must be a non-empty string of at most 255 "
                    . 'characters');
            }
            $required = $entry['required'] ?? false;
            if (!is_bool($required) && $required !== 0 && $required !== 1) {
                throw new invalid_parameter_exception("{$where}: required must be true or false");
            }
            $items[] = ['type' => $type, 'label' => $label, 'text' => $text,
                'choices' => self::parse_choices($entry, $type, $where), 'required' => $required ? 1 : 0];
        }
        return $items;
    }

    /**
     * The choices of a "choice" item (none for the other types).
     *
     * @param array $entry
     * @param string $type
     * @param string $where
     * @return array list of strings
     */
    private static function parse_choices(array $entry, string $type, string $where): array {
        if ($type !== 'choice') {
            if (array_key_exists('choices', $entry)) {
                throw new invalid_parameter_exception("{$where}: only a 'choice' item has choices");
            }
            return [];
        }
        $choices = $entry['choices'] ?? null;
        if (!is_array($choices) || count($choices) < 2 || count($choices) > self::MAX_CHOICES
                || array_keys($choices) !== range(0, count($choices) - 1)) {
            throw new invalid_parameter_exception("{$where}: choices must be a list of 2 to " . self::MAX_CHOICES
                . ' strings');
        }
        $seen = [];
        foreach ($choices as $choice) {
            if (!is_string($choice) || trim($choice) === '' || \core_text::strlen($choice) > 255
                    || strpos($choice, '|') !== false || strpos($choice, '>>>>>') !== false) {
                throw new invalid_parameter_exception("{$where}: each choice must be a non-empty string of at most "
                    . "255 characters without '|'");
            }
            if (isset($seen[$choice])) {
                throw new invalid_parameter_exception("{$where}: choice '{$choice}' is listed twice");
            }
            $seen[$choice] = true;
        }
        return $choices;
    }

    /**
     * Canonical JSON of a list of items, to compare desired and current items.
     *
     * @param array $items
     * @return string
     */
    public static function canonical_json(array $items): string {
        $list = [];
        foreach ($items as $item) {
            // Compact, in the key order of the contract, "required" only when set: the same text a client
            // produces from {type, label, text} items, so describe_courses can be compared as a string.
            $entry = ['type' => $item['type'], 'label' => $item['label'], 'text' => $item['text']];
            if ($item['type'] === 'choice') {
                $entry['choices'] = array_values($item['choices']);
            }
            if (!empty($item['required'])) {
                $entry['required'] = true;
            }
            $list[] = $entry;
        }
        return json_encode($list, JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES);
    }

    /**
     * The items of a feedback activity as they are now.
     *
     * @param stdClass $feedback
     * @return array list of [type, label, text, choices, required]
     */
    public static function read(stdClass $feedback): array {
        global $DB;
        $items = [];
        foreach ($DB->get_records('feedback_item', ['feedback' => $feedback->id], 'position, id') as $record) {
            $types = ['multichoicerated' => 'rating', 'textarea' => 'text', 'multichoice' => 'choice'];
            $type = $types[$record->typ] ?? $record->typ;
            $choices = [];
            if ($type === 'choice') {
                $parts = explode('>>>>>', (string) $record->presentation, 2);
                $choices = explode('|', $parts[1] ?? '');
            }
            $items[] = ['type' => $type, 'label' => (string) $record->label, 'text' => (string) $record->name,
                'choices' => $choices, 'required' => (int) $record->required];
        }
        return $items;
    }

    /**
     * How mod_feedback stores an item's answers: a rating's five rated choices, a choice's radio buttons
     * ("r>>>>>" and the choices joined by "|"), a text area's size.
     *
     * @param array $item parsed item
     * @return string
     */
    private static function presentation(array $item): string {
        if ($item['type'] === 'rating') {
            return self::RATING_PRESENTATION;
        }
        if ($item['type'] === 'choice') {
            return 'r>>>>>' . implode('|', $item['choices']);
        }
        return self::TEXT_PRESENTATION;
    }

    /**
     * Bring the items of a feedback activity to the given list.
     *
     * @param stdClass $feedback
     * @param array $items parsed items
     * @return void
     */
    public static function save(stdClass $feedback, array $items): void {
        global $CFG, $DB;
        require_once($CFG->dirroot . '/mod/feedback/lib.php');

        $existing = [];
        foreach ($DB->get_records('feedback_item', ['feedback' => $feedback->id], 'position, id') as $record) {
            $ours = in_array($record->typ, ['multichoicerated', 'textarea', 'multichoice'], true);
            if (isset($existing[$record->label]) || !$ours) {
                // Duplicate labels and items of other types are not ours to keep.
                feedback_delete_item($record->id, false);
                continue;
            }
            $existing[$record->label] = $record;
        }
        $position = 0;
        foreach ($items as $item) {
            $position++;
            $values = [
                'feedback' => $feedback->id,
                'template' => 0,
                'name' => $item['text'],
                'label' => $item['label'],
                'presentation' => self::presentation($item),
                'typ' => ['rating' => 'multichoicerated', 'text' => 'textarea', 'choice' => 'multichoice'][$item['type']],
                'hasvalue' => 1,
                'position' => $position,
                'required' => $item['required'],
                'dependitem' => 0,
                'dependvalue' => '',
                'options' => $item['type'] === 'rating' ? 'h' : '',
            ];
            $record = $existing[$item['label']] ?? null;
            unset($existing[$item['label']]);
            if ($record && $record->typ !== $values['typ']) {
                // A changed type makes the old answers meaningless.
                feedback_delete_item($record->id, false);
                $record = null;
            }
            if (!$record) {
                $DB->insert_record('feedback_item', (object) $values);
                continue;
            }
            $changed = false;
            foreach ($values as $field => $value) {
                if ((string) $record->$field !== (string) $value) {
                    $record->$field = $value;
                    $changed = true;
                }
            }
            if ($changed) {
                $DB->update_record('feedback_item', $record);
            }
        }
        foreach ($existing as $record) {
            feedback_delete_item($record->id, false);
        }
    }
}
